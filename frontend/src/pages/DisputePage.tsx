import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { DataList } from "@/components/materials/DataList";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { Button, Card, CardBody, CardHeader, cx, PageHeader, PageSkeleton, QueryState, Textarea } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useDispute, useDisputeMessage } from "@/hooks/money";
import { useTransaction } from "@/hooks/transactions";
import { ApiError, errorMessage } from "@/lib/errors";
import { formatDateTime, formatMoney } from "@/lib/format";
import { OUTCOME_LABELS, disputeReasonLabel } from "@/lib/money";
import type { Dispute } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";
import NotFoundPage from "./NotFoundPage";

const ROLE_LABELS: Record<string, string> = { buyer: "Buyer", seller: "Seller", operator: "FabricLoop support" };

/** A dispute: what the buyer reported, its status and outcome, and the parties' thread. */
export default function DisputePage() {
  const { id } = useParams();
  const q = useDispute(id);
  usePageTitle("Problem with an order");
  return (
    <QueryState query={q} loading={<PageSkeleton label="Loading the dispute" />} errorTitle="Could not load this dispute" notFound={<NotFoundPage />}>
      {(d) => <DisputeView dispute={d} />}
    </QueryState>
  );
}

function DisputeView({ dispute: d }: { dispute: Dispute }) {
  const { user } = useAuth();
  const tx = useTransaction(d.transaction_id);
  const open = d.status === "open";
  return (
    <div className="mx-auto max-w-3xl">
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-stone-500">
        <Link to={`/transactions/${d.transaction_id}`} className="hover:text-stone-800">
          {tx.data ? tx.data.material_title : `Order ${d.transaction_id.slice(0, 8)}`}
        </Link>{" "}
        / <span className="text-stone-700">Problem</span>
      </nav>
      <PageHeader eyebrow={d.source === "card" ? "Card dispute" : "Problem reported"} title={disputeReasonLabel(d.reason)} actions={<StatusBadge status={d.status} />} />
      <div className="space-y-6">
        <Card>
          <CardHeader title="What was reported" />
          <CardBody>
            <p className="whitespace-pre-line break-words text-sm text-stone-800">{d.details}</p>
            <DataList
              items={[
                ["Opened", formatDateTime(d.created_at)],
                ["Status", open ? "Open: the seller's payment is held" : "Resolved"],
                ...(d.outcome ? ([["Outcome", OUTCOME_LABELS[d.outcome] ?? d.outcome]] as Array<[string, string]>) : []),
                ...(Number(d.refunded_amount) > 0 && tx.data ? ([["Refunded", formatMoney(d.refunded_amount, tx.data.currency)]] as Array<[string, string]>) : []),
                ...(d.resolved_at ? ([["Resolved", formatDateTime(d.resolved_at)]] as Array<[string, string]>) : []),
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Messages" description={open ? "The buyer, the seller and FabricLoop support read this thread." : "This dispute is resolved; the thread is closed."} />
          <CardBody className="space-y-4">
            {d.messages.length === 0 ? (
              <p className="text-sm text-stone-500">No messages yet.</p>
            ) : (
              <ol className="space-y-3" aria-label="Messages">
                {d.messages.map((m) => {
                  const mine = m.author_id === user?.user_id;
                  return (
                    <li key={m.message_id} className={cx("max-w-[85%] rounded-xl px-3 py-2 text-sm", mine ? "ml-auto bg-brand-50 text-brand-950" : "bg-stone-100 text-stone-900")}>
                      <p className="text-xs font-medium text-stone-600">
                        {mine ? "You" : ROLE_LABELS[m.author_role]} · <time dateTime={m.created_at}>{formatDateTime(m.created_at)}</time>
                      </p>
                      <p className="whitespace-pre-line break-words">{m.content}</p>
                    </li>
                  );
                })}
              </ol>
            )}
            {open && <DisputeComposer disputeId={d.dispute_id} />}
          </CardBody>
        </Card>
      </div>
    </div>
  );
}

function DisputeComposer({ disputeId }: { disputeId: string }) {
  const send = useDisputeMessage(disputeId);
  const [content, setContent] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!content.trim()) return setError("Write a message first.");
    if (content.length > 5000) return setError("At most 5000 characters.");
    setError(null);
    send.mutate(content.trim(), {
      onSuccess: () => setContent(""),
      onError: (err) => setError(err instanceof ApiError ? (err.fieldErrors().content ?? err.message) : errorMessage(err)),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="space-y-2 border-t border-stone-100 pt-4">
      <Textarea label="Your message" rows={3} value={content} onChange={(e) => setContent(e.target.value)} error={error} maxLength={5000} />
      <div className="flex justify-end">
        <Button type="submit" loading={send.isPending}>
          Send message
        </Button>
      </div>
    </form>
  );
}
