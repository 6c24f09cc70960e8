import { type ReactNode, useState } from "react";
import { useNavigate } from "react-router";
import { Button, Card, CardBody, CardHeader, ConfirmDialog, Input, Select, SuccessBanner, Textarea } from "@/components/ui";
import { useOpenDispute, useRefund } from "@/hooks/money";
import { useChangeTransactionStatus } from "@/hooks/transactions";
import { formatMoney } from "@/lib/format";
import { DISPUTE_REASONS, refundable, validateRefundAmount } from "@/lib/money";
import type { DisputeReason, TransactionDetail } from "@/lib/types";

type Props = { tx: TransactionDetail };

/** The seller refunds part or all of what is left of a paid order, with a reason. */
export function RefundAction({ tx }: Props) {
  const refund = useRefund(tx.transaction_id);
  const left = refundable(tx.total, tx.refunded_amount);
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<{ amount?: string; reason?: string }>({});
  const [done, setDone] = useState<string | null>(null);
  if (left <= 0) return null;

  const close = () => {
    setOpen(false);
    refund.reset();
  };
  const confirm = () => {
    const [value, amountError] = validateRefundAmount(amount, left, tx.currency);
    const reasonError = !reason.trim() ? "Give a reason (the buyer sees it)." : reason.length > 500 ? "At most 500 characters." : undefined;
    setErrors({ amount: amountError ?? undefined, reason: reasonError });
    if (amountError || reasonError) return;
    refund.mutate(
      { reason: reason.trim(), ...(value !== null ? { amount: value } : {}) },
      {
        onSuccess: (r) => {
          setDone(`Refunded ${formatMoney(r.amount, r.currency)} to the buyer.`);
          setOpen(false);
          setAmount("");
          setReason("");
        },
      },
    );
  };
  return (
    <Card>
      <CardHeader title="Refund the buyer" description={`${formatMoney(left, tx.currency)} is left to refund on this order.`} />
      <CardBody className="space-y-3">
        {done && <SuccessBanner>{done}</SuccessBanner>}
        <Button variant="secondary" className="w-full" onClick={() => setOpen(true)}>
          Refund…
        </Button>
        <ConfirmDialog open={open} title="Refund the buyer" confirmLabel="Refund" onConfirm={confirm} onCancel={close} loading={refund.isPending} error={refund.error} danger>
          <p>The money goes back to the buyer&apos;s card; a credit note is issued. This cannot be undone.</p>
          <Input
            label={`Amount (${tx.currency})`}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={errors.amount}
            hint={`Leave empty to refund all that is left (${formatMoney(left, tx.currency)}).`}
          />
          <Textarea label="Reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} maxLength={500} required />
        </ConfirmDialog>
      </CardBody>
    </Card>
  );
}

interface StatusConfirmProps {
  tx: TransactionDetail;
  status: "cancelled" | "completed";
  button: ReactNode;
  title: string;
  confirmLabel: string;
  cancelLabel: string;
  danger?: boolean;
  children: ReactNode;
}

/** A button that changes the order's status once its dialog is confirmed. */
function ConfirmedStatusChange({ tx, status, button, title, confirmLabel, cancelLabel, danger, children }: StatusConfirmProps) {
  const change = useChangeTransactionStatus(tx.transaction_id);
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant={danger ? "ghost" : "primary"} className={danger ? "w-full text-red-700" : "w-full"} onClick={() => setOpen(true)}>
        {button}
      </Button>
      <ConfirmDialog
        open={open}
        title={title}
        confirmLabel={confirmLabel}
        cancelLabel={cancelLabel}
        danger={danger}
        role={danger ? "alertdialog" : "dialog"}
        loading={change.isPending}
        error={change.error}
        onCancel={() => {
          setOpen(false);
          change.reset();
        }}
        onConfirm={() => change.mutate({ status }, { onSuccess: () => setOpen(false) })}
      >
        {children}
      </ConfirmDialog>
    </>
  );
}

/** The seller cancels a paid, unshipped order: the buyer is refunded in full, the stock returns. */
export function CancelPaidAction({ tx }: Props) {
  return (
    <Card>
      <CardBody>
        <ConfirmedStatusChange tx={tx} status="cancelled" button="Cancel and refund order" title="Cancel this paid order?" confirmLabel="Yes, cancel and refund" cancelLabel="Keep order" danger>
          <p>The buyer is refunded {formatMoney(refundable(tx.total, tx.refunded_amount), tx.currency)} in full and the reserved stock returns to the listing.</p>
        </ConfirmedStatusChange>
      </CardBody>
    </Card>
  );
}

/** The buyer confirms receipt (completing the order and releasing the seller's payout). */
export function ConfirmReceiptAction({ tx }: Props) {
  return (
    <Card>
      <CardHeader title="Received your order?" description="Confirming completes the order." />
      <CardBody>
        <ConfirmedStatusChange tx={tx} status="completed" button="Confirm receipt" title="Confirm you received the goods?" confirmLabel="Yes, I received them" cancelLabel="Not yet">
          <p>The order completes and the seller is paid. If something is wrong with the goods, report a problem instead.</p>
        </ConfirmedStatusChange>
      </CardBody>
    </Card>
  );
}

/** The buyer reports a problem with a shipped or completed order: a dispute, then its thread. */
export function ReportProblemAction({ tx }: Props) {
  const open = useOpenDispute(tx.transaction_id);
  const navigate = useNavigate();
  const [shown, setShown] = useState(false);
  const [reason, setReason] = useState<DisputeReason | "">("");
  const [details, setDetails] = useState("");
  const [errors, setErrors] = useState<{ reason?: string; details?: string }>({});
  const confirm = () => {
    const e = {
      reason: reason ? undefined : "Choose what went wrong.",
      details: !details.trim() ? "Describe the problem." : details.length > 5000 ? "At most 5000 characters." : undefined,
    };
    setErrors(e);
    if (e.reason || e.details || !reason) return;
    open.mutate({ reason, details: details.trim() }, { onSuccess: (d) => void navigate(`/disputes/${d.dispute_id}`) });
  };
  return (
    <Card>
      <CardHeader title="A problem with this order?" description="The seller's payment is held while a problem is open." />
      <CardBody>
        <Button variant="secondary" className="w-full" onClick={() => setShown(true)}>
          Report a problem
        </Button>
        <ConfirmDialog
          open={shown}
          title="Report a problem"
          confirmLabel="Report problem"
          loading={open.isPending}
          error={open.error}
          onCancel={() => {
            setShown(false);
            open.reset();
          }}
          onConfirm={confirm}
        >
          <Select
            label="What went wrong?"
            value={reason}
            onChange={(e) => setReason(e.target.value as DisputeReason | "")}
            options={[...DISPUTE_REASONS]}
            placeholder="Choose…"
            error={errors.reason}
            required
          />
          <Textarea
            label="Details"
            rows={4}
            value={details}
            onChange={(e) => setDetails(e.target.value)}
            error={errors.details}
            maxLength={5000}
            required
            hint="What happened, and what you would like the seller to do."
          />
        </ConfirmDialog>
      </CardBody>
    </Card>
  );
}
