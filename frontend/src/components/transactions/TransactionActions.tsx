import { type FormEvent, useState } from "react";
import { CancelPaidAction, ConfirmReceiptAction, RefundAction, ReportProblemAction } from "@/components/money/MoneyActions";
import { PaymentPanel } from "@/components/payments/PaymentPanel";
import { carrierName } from "@/components/shipping/DeliveryCard";
import { Button, Card, CardBody, CardHeader, ErrorBanner, Input, Select, SuccessBanner } from "@/components/ui";
import { useChangeTransactionStatus } from "@/hooks/transactions";
import type { Carrier, TransactionDetail } from "@/lib/types";

const CARRIER_OPTIONS = (["dhl", "ups", "fedex", "dpd", "gls", "tnt", "postnl", "other"] as const).map((c) => ({ value: c, label: carrierName(c) }));

export function TransactionActions({ tx, viewerId }: { tx: TransactionDetail; viewerId: string }) {
  const change = useChangeTransactionStatus(tx.transaction_id);
  const [tracking, setTracking] = useState("");
  const [carrier, setCarrier] = useState<Carrier | "">("");
  const [trackingError, setTrackingError] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [paidNotice, setPaidNotice] = useState(false);
  const isBuyer = tx.buyer.user_id === viewerId;
  const isSeller = tx.seller.user_id === viewerId;

  const ship = (e: FormEvent) => {
    e.preventDefault();
    if (tracking.length > 100) return setTrackingError("At most 100 characters.");
    setTrackingError(null);
    change.mutate({ status: "shipped", ...(carrier ? { carrier } : {}), ...(tracking.trim() ? { tracking_number: tracking.trim() } : {}) });
  };

  const blocks = [];
  if (isBuyer && tx.status === "pending") {
    blocks.push(
      <Card key="pay">
        <CardHeader title="Pay for this order" description="Stock stays reserved for 30 minutes after the order is placed." />
        <CardBody>
          <PaymentPanel transactionId={tx.transaction_id} total={tx.total} currency={tx.currency} onPaid={() => setPaidNotice(true)} />
        </CardBody>
      </Card>,
    );
  }
  if (isSeller && tx.status === "paid") {
    blocks.push(
      <Card key="ship">
        <CardHeader title="Ship this order" description="Name the carrier and its tracking number: the buyer gets a tracking link." />
        <CardBody>
          <form onSubmit={ship} noValidate className="space-y-3">
            <Select label="Carrier" value={carrier} onChange={(e) => setCarrier(e.target.value as Carrier | "")} options={CARRIER_OPTIONS} placeholder="Choose a carrier (optional)" />
            <Input label="Tracking number (optional)" value={tracking} onChange={(e) => setTracking(e.target.value)} error={trackingError} maxLength={100} />
            <Button type="submit" loading={change.isPending} className="w-full">
              Mark as shipped
            </Button>
          </form>
        </CardBody>
      </Card>,
    );
  }
  if (isBuyer && tx.status === "shipped") blocks.push(<ConfirmReceiptAction key="receive" tx={tx} />);
  if (isBuyer && (tx.status === "shipped" || tx.status === "completed")) blocks.push(<ReportProblemAction key="dispute" tx={tx} />);
  if (isSeller && tx.paid_at && Number(tx.total) > 0 && tx.status !== "pending") blocks.push(<RefundAction key="refund" tx={tx} />);
  if (isSeller && tx.status === "paid") blocks.push(<CancelPaidAction key="cancel-paid" tx={tx} />);
  if (tx.status === "pending" && (isBuyer || isSeller)) {
    blocks.push(
      <Card key="cancel">
        <CardBody>
          {!confirmCancel ? (
            <Button variant="ghost" className="w-full text-red-700" onClick={() => setConfirmCancel(true)}>
              Cancel order
            </Button>
          ) : (
            <div role="alertdialog" aria-label="Confirm cancellation" className="space-y-3 text-sm">
              <p className="text-stone-700">Cancel this order? The reserved stock is released.</p>
              <div className="flex gap-2">
                <Button variant="danger" loading={change.isPending} onClick={() => change.mutate({ status: "cancelled" }, { onSettled: () => setConfirmCancel(false) })}>
                  Yes, cancel
                </Button>
                <Button variant="secondary" onClick={() => setConfirmCancel(false)}>
                  Keep order
                </Button>
              </div>
            </div>
          )}
        </CardBody>
      </Card>,
    );
  }

  return (
    <div className="space-y-4">
      {change.error && <ErrorBanner error={change.error} title="The order could not be updated" />}
      {paidNotice && tx.status !== "pending" && <SuccessBanner>Payment confirmed. The seller will ship your order.</SuccessBanner>}
      {blocks}
    </div>
  );
}
