import { Link } from "react-router";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { EmptyState, ListSkeleton, PageHeader, Pagination, QueryState, Select } from "@/components/ui";
import { useDisputeQueue } from "@/hooks/admin";
import { pageParam, useParamsState } from "@/hooks/useParamsState";
import { formatDateTime, formatRelative, humanize } from "@/lib/format";
import { outcomeLabel } from "@/lib/trust";
import { usePageTitle } from "@/lib/usePageTitle";

export default function DisputesQueuePage() {
  const [params, set] = useParamsState();
  const raw = params.get("status");
  const status = raw === "resolved" ? "resolved" : raw === "all" ? "" : "open";
  const q = useDisputeQueue(status, pageParam(params));
  usePageTitle("Disputes");
  return (
    <div>
      <PageHeader title="Disputes" description="Buyers' disputes, oldest first: read the claim and the thread, then refund in full, in part, or release the payout to the seller." />
      <div className="mb-5">
        <Select
          label="Status"
          value={status || "all"}
          onChange={(e) => set({ status: e.target.value })}
          options={[
            { value: "open", label: "Open" },
            { value: "resolved", label: "Resolved" },
            { value: "all", label: "All" },
          ]}
          wrapperClassName="w-48"
        />
      </div>
      <QueryState
        query={q}
        loading={<ListSkeleton label="Loading disputes" />}
        errorTitle="Could not load disputes"
        isEmpty={(d) => d.disputes.length === 0}
        empty={<EmptyState title={status === "open" ? "No open disputes" : "No disputes"} description="Disputes buyers open on shipped orders appear here." />}
      >
        {(data) => (
          <div className={q.isPlaceholderData ? "opacity-60" : ""}>
            <ul className="divide-y divide-stone-100 overflow-hidden rounded-2xl border border-stone-200 bg-white">
              {data.disputes.map((d) => (
                <li key={d.dispute_id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 hover:bg-stone-50">
                  <div className="min-w-0">
                    <Link to={`/admin/disputes/${d.dispute_id}`} className="font-medium text-stone-900 hover:text-brand-800 hover:underline">
                      {humanize(d.reason)}
                      <span className="sr-only"> dispute</span> · order {d.transaction_id.slice(0, 8)}
                    </Link>
                    <p className="line-clamp-1 text-sm text-stone-600">{d.details}</p>
                    <p className="text-xs text-stone-500" title={formatDateTime(d.created_at)}>
                      Opened {formatRelative(d.created_at)} · {d.messages.length} {d.messages.length === 1 ? "message" : "messages"}
                      {d.source === "card" ? " · card dispute" : ""}
                    </p>
                  </div>
                  <div className="flex items-center gap-2">
                    {d.status === "resolved" && <span className="text-sm text-stone-600">{outcomeLabel(d.outcome)}</span>}
                    <StatusBadge status={d.status} />
                  </div>
                </li>
              ))}
            </ul>
            <Pagination page={data.page} limit={data.limit} total={data.total} onPageChange={(p) => set({ page: String(p) })} />
          </div>
        )}
      </QueryState>
    </div>
  );
}
