import { ReportCard } from "@/components/admin/ReportCard";
import { EmptyState, ListSkeleton, PageHeader, Pagination, QueryState, Select } from "@/components/ui";
import { useReportQueue } from "@/hooks/admin";
import { pageParam, useParamsState } from "@/hooks/useParamsState";
import { REPORT_REASONS } from "@/lib/trust";
import type { ReportStatus } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";

const STATUSES: ReportStatus[] = ["open", "actioned", "dismissed"];

export default function ReportsQueuePage() {
  const [params, set] = useParamsState();
  const raw = params.get("status");
  const status = raw === "all" ? undefined : (STATUSES.find((s) => s === raw) ?? "open");
  const reason = REPORT_REASONS.find((r) => r.value === params.get("reason"))?.value;
  const q = useReportQueue({ status, reason, page: pageParam(params), limit: 20 });
  usePageTitle("Listing reports");
  return (
    <div>
      <PageHeader title="Listing reports" description="What users flagged. Hide a listing with a reason its seller sees, or dismiss the report." />
      <div className="mb-5 flex flex-wrap items-end gap-3">
        <Select
          label="Status"
          value={status ?? "all"}
          onChange={(e) => set({ status: e.target.value })}
          options={[...STATUSES.map((s) => ({ value: s, label: s.charAt(0).toUpperCase() + s.slice(1) })), { value: "all", label: "All" }]}
          wrapperClassName="w-44"
        />
        <Select
          label="Reason"
          value={reason ?? ""}
          onChange={(e) => set({ reason: e.target.value || null })}
          options={REPORT_REASONS.map((r) => ({ value: r.value, label: r.label }))}
          placeholder="Any reason"
          wrapperClassName="w-52"
        />
      </div>
      <QueryState
        query={q}
        loading={<ListSkeleton label="Loading reports" />}
        errorTitle="Could not load reports"
        isEmpty={(d) => d.reports.length === 0}
        empty={<EmptyState title={status === "open" ? "No open reports" : "No reports"} description="Reports users send about listings appear here." />}
      >
        {(data) => (
          <div className={q.isPlaceholderData ? "opacity-60" : ""}>
            <ul className="space-y-4">
              {data.reports.map((r) => (
                <li key={r.report_id}>
                  <ReportCard report={r} />
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
