import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { DataList } from "@/components/materials/DataList";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { Button, Card, CardBody, CardHeader, ErrorBanner } from "@/components/ui";
import { useRefunds, useTransactionDisputes } from "@/hooks/money";
import { downloadWithAuth } from "@/lib/download";
import { formatDateTime, formatMoney } from "@/lib/format";
import { disputeReasonLabel } from "@/lib/money";
import type { TransactionDetail } from "@/lib/types";

const PAYOUT_STATUS: Record<string, string> = {
  none: "None (not paid, or refunded before payout)",
  held: "Held until the order completes",
  scheduled: "Scheduled",
  paid: "Paid to your account",
  reversed: "Reversed",
};

/**
 * The money of an order: refunds (both parties), the platform's fee, the payout and its status
 * (the seller only), the invoice and credit notes, and any dispute.
 */
export function OrderMoneyCard({ tx, isSeller }: { tx: TransactionDetail; isSeller: boolean }) {
  const paid = Boolean(tx.paid_at);
  const refunds = useRefunds(tx.transaction_id, paid);
  const disputes = useTransactionDisputes(tx.transaction_id, paid);
  const download = useMutation({ mutationFn: ({ url, name }: { url: string; name: string }) => downloadWithAuth(url, name) });
  if (!paid) return null;
  const refunded = Number(tx.refunded_amount) > 0;
  const free = Number(tx.total) === 0;
  const items: Array<[string, ReactNode]> = [["Refunded", refunded ? <strong key="r">{formatMoney(tx.refunded_amount, tx.currency)}</strong> : formatMoney(0, tx.currency)]];
  if (isSeller) {
    items.push(["Platform fee", formatMoney(tx.platform_fee, tx.currency)]);
    items.push(["Your payout", <strong key="p">{formatMoney(tx.seller_payout, tx.currency)}</strong>]);
    items.push(["Payout status", PAYOUT_STATUS[tx.payout_status] ?? tx.payout_status]);
  }
  const base = `/api/transactions/${tx.transaction_id}`;
  const short = tx.transaction_id.slice(0, 8);
  return (
    <Card>
      <CardHeader title="Payment and documents" />
      <CardBody className="space-y-4">
        <DataList items={items} />
        {download.error && <ErrorBanner error={download.error} title="The document could not be downloaded" />}
        <div className="space-y-2">
          <h3 className="text-sm font-semibold text-stone-900">Documents</h3>
          {free ? (
            <p className="text-sm text-stone-600">A free sample has no invoice.</p>
          ) : (
            <Button
              variant="secondary"
              size="sm"
              loading={download.isPending && download.variables?.name.startsWith("invoice")}
              onClick={() => download.mutate({ url: `${base}/invoice.pdf`, name: `invoice-${short}.pdf` })}
            >
              Download invoice (PDF)
            </Button>
          )}
        </div>
        {refunds.error && <ErrorBanner error={refunds.error} title="Could not load the refunds" onRetry={() => void refunds.refetch()} />}
        {refunds.data && refunds.data.refunds.length > 0 && (
          <div className="space-y-2">
            <h3 className="text-sm font-semibold text-stone-900">Refunds</h3>
            <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200" aria-label="Refunds">
              {refunds.data.refunds.map((r, i) => (
                <li key={r.refund_id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
                  <div className="min-w-0">
                    <p className="font-medium text-stone-900">{formatMoney(r.amount, r.currency)}</p>
                    <p className="break-words text-stone-600">{r.reason}</p>
                    <p className="text-xs text-stone-500">{formatDateTime(r.created_at)}</p>
                  </div>
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Download credit note ${i + 1} (PDF)`}
                    onClick={() => download.mutate({ url: `${base}/credit-notes/${r.refund_id}.pdf`, name: `credit-note-${r.refund_id.slice(0, 8)}.pdf` })}
                  >
                    Credit note (PDF)
                  </Button>
                </li>
              ))}
            </ul>
          </div>
        )}
        {disputes.data && disputes.data.disputes.length > 0 && (
          <div className="space-y-2">
            <h3 className="text-sm font-semibold text-stone-900">Problems reported</h3>
            <ul className="space-y-1 text-sm" aria-label="Disputes">
              {disputes.data.disputes.map((d) => (
                <li key={d.dispute_id} className="flex flex-wrap items-center gap-2">
                  <Link to={`/disputes/${d.dispute_id}`} className="font-medium text-brand-700 hover:underline">
                    {d.source === "card" ? "Card dispute" : disputeReasonLabel(d.reason)}
                  </Link>
                  <StatusBadge status={d.status} />
                  <span className="text-xs text-stone-500">{formatDateTime(d.created_at)}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </CardBody>
    </Card>
  );
}
