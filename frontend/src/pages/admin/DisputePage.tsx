import { useState } from "react";
import { Link, useParams } from "react-router";
import { DisputeThread } from "@/components/admin/DisputeThread";
import { OrderLedger } from "@/components/admin/OrderLedger";
import { ResolveDispute } from "@/components/admin/ResolveDispute";
import { DataList } from "@/components/materials/DataList";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { Card, CardBody, CardHeader, PageHeader, PageSkeleton, QueryState, SuccessBanner } from "@/components/ui";
import { useDispute } from "@/hooks/admin";
import { formatDateTime, formatMoney, formatQuantity, humanize } from "@/lib/format";
import { outcomeLabel } from "@/lib/trust";
import type { DisputeCase, DisputedOrder } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";
import NotFoundPage from "../NotFoundPage";

export default function DisputePage() {
  const { id } = useParams();
  const q = useDispute(id);
  usePageTitle("Dispute");
  return (
    <QueryState query={q} loading={<PageSkeleton label="Loading dispute" />} errorTitle="Could not load this dispute" notFound={<NotFoundPage />}>
      {(d) => <DisputeView dispute={d} />}
    </QueryState>
  );
}

function DisputeView({ dispute: d }: { dispute: DisputeCase }) {
  const [resolved, setResolved] = useState(false);
  const tx = d.order;
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-stone-500">
        <Link to="/admin/disputes" className="hover:text-stone-800">
          Disputes
        </Link>{" "}
        / <span className="text-stone-700">{d.dispute_id.slice(0, 8)}</span>
      </nav>
      <PageHeader
        eyebrow={d.source === "card" ? "Card dispute" : "Buyer dispute"}
        title={`${humanize(d.reason)} — ${tx.material_title}`}
        description={<>Opened {formatDateTime(d.created_at)}</>}
        actions={<StatusBadge status={d.status} />}
      />
      {resolved && <SuccessBanner>The dispute is resolved; the buyer and the seller have been told.</SuccessBanner>}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          <Card>
            <CardHeader title="The buyer's claim" />
            <CardBody>
              <p className="mb-2 text-sm font-medium text-stone-900">{humanize(d.reason)}</p>
              <p className="whitespace-pre-line break-words text-sm text-stone-700">{d.details}</p>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Thread" description="Messages between the buyer, the seller and the operator." />
            <CardBody>
              <DisputeThread dispute={d} />
            </CardBody>
          </Card>
        </div>
        <div className="space-y-6">
          <Card>
            <CardHeader title="Order" />
            <CardBody>
              <OrderFacts tx={tx} />
            </CardBody>
          </Card>
          <OrderLedger transactionId={tx.transaction_id} />
          <Card>
            <CardHeader title="Resolution" />
            <CardBody>
              {d.status === "resolved" ? (
                <DataList
                  items={[
                    ["Outcome", outcomeLabel(d.outcome)],
                    ["Refunded", formatMoney(d.refunded_amount, tx.currency)],
                    ["Resolved", formatDateTime(d.resolved_at)],
                  ]}
                />
              ) : (
                <ResolveDispute disputeId={d.dispute_id} refundable={Number(tx.refundable)} currency={tx.currency} onResolved={() => setResolved(true)} />
              )}
            </CardBody>
          </Card>
        </div>
      </div>
    </div>
  );
}

function OrderFacts({ tx }: { tx: DisputedOrder }) {
  return (
    <DataList
      items={[
        [
          "Material",
          <Link key="m" to={`/admin/materials/${tx.material_id}`} className="font-medium text-brand-700 hover:underline">
            {tx.material_title}
          </Link>,
        ],
        ["Quantity", formatQuantity(tx.quantity, tx.unit)],
        ["Total", formatMoney(tx.total, tx.currency)],
        ["Refunded so far", formatMoney(tx.refunded_amount, tx.currency)],
        ["Left to refund", formatMoney(tx.refundable, tx.currency)],
        ["Order status", <StatusBadge key="s" status={tx.status} />],
        ["Payout", humanize(tx.payout_status ?? "")],
        [
          "Buyer",
          <Link key="b" to={`/admin/users/${tx.buyer.user_id}`} className="text-brand-700 hover:underline">
            {tx.buyer.company_name}
          </Link>,
        ],
        [
          "Seller",
          <Link key="s2" to={`/admin/users/${tx.seller.user_id}`} className="text-brand-700 hover:underline">
            {tx.seller.company_name}
          </Link>,
        ],
        ["Placed", formatDateTime(tx.created_at)],
        ["Tracking", tx.tracking_number ?? "—"],
      ]}
    />
  );
}
