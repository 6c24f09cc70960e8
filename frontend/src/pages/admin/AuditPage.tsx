import { TargetLink } from "@/components/admin/links";
import { DateRangeForm, EmptyState, ListSkeleton, PageHeader, Pagination, QueryState, Select } from "@/components/ui";
import { useAuditLog } from "@/hooks/admin";
import { pageParam, useParamsState } from "@/hooks/useParamsState";
import { formatDateTime, humanize } from "@/lib/format";
import type { AuditEntry } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";

const TARGETS = ["user", "material", "report", "certificate", "dispute"];

function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([k, v]) => `${humanize(k)}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}

export default function AuditPage() {
  const [params, set] = useParamsState();
  const page = pageParam(params);
  const target = params.get("target_type") ?? "";
  const start = params.get("start_date") ?? "";
  const end = params.get("end_date") ?? "";
  const targetId = params.get("target_id") ?? "";
  const q = useAuditLog({ page, limit: 50, target_type: target || undefined, target_id: targetId || undefined, start_date: start || undefined, end_date: end || undefined });
  usePageTitle("Audit log");
  return (
    <div>
      <PageHeader title="Audit log" description="Every operator action: who did what, to which record, when and why." />
      <DateRangeForm
        start={start}
        end={end}
        onApply={(r) => set({ start_date: r.start || null, end_date: r.end || null })}
        submitLabel="Apply dates"
        submitVariant="secondary"
        className="mb-5"
        before={
          <Select
            label="Record type"
            value={target}
            onChange={(e) => set({ target_type: e.target.value || null })}
            options={TARGETS.map((t) => ({ value: t, label: humanize(t) }))}
            placeholder="All records"
            wrapperClassName="w-44"
          />
        }
      />
      <QueryState
        query={q}
        loading={<ListSkeleton label="Loading the audit log" />}
        errorTitle="Could not load the audit log"
        isEmpty={(d) => d.entries.length === 0}
        empty={<EmptyState title="No actions recorded" description="Operator actions matching these filters will appear here." />}
      >
        {(data) => (
          <div className={q.isPlaceholderData ? "opacity-60" : ""}>
            <AuditTable entries={data.entries} />
            <Pagination page={data.page} limit={data.limit} total={data.total} onPageChange={(p) => set({ page: String(p) })} />
          </div>
        )}
      </QueryState>
    </div>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className="overflow-hidden rounded-2xl border border-stone-200 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Operator actions, newest first</caption>
        <thead className="hidden bg-stone-50 text-xs uppercase tracking-wide text-stone-500 md:table-header-group">
          <tr>
            <th scope="col" className="px-4 py-3 font-medium">
              When
            </th>
            <th scope="col" className="px-4 py-3 font-medium">
              Operator
            </th>
            <th scope="col" className="px-4 py-3 font-medium">
              Action
            </th>
            <th scope="col" className="px-4 py-3 font-medium">
              Record
            </th>
            <th scope="col" className="px-4 py-3 font-medium">
              Reason and details
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {entries.map((e) => (
            <tr key={e.audit_id} className="grid grid-cols-1 gap-1 px-4 py-3 md:table-row md:p-0">
              <td className="whitespace-nowrap text-xs text-stone-500 md:px-4 md:py-3 md:text-sm">{formatDateTime(e.created_at)}</td>
              <td className="text-stone-700 md:px-4 md:py-3">
                <span className="block">{e.admin.company_name}</span>
                <span className="block text-xs text-stone-500">{e.admin.email}</span>
              </td>
              <td className="font-mono text-xs text-stone-900 md:px-4 md:py-3">{e.action}</td>
              <td className="md:px-4 md:py-3">
                <TargetLink type={e.target_type} id={e.target_id} />
              </td>
              <td className="text-stone-700 md:px-4 md:py-3">
                {e.reason && <p className="break-words">“{e.reason}”</p>}
                {Object.keys(e.details).length > 0 && <p className="break-words text-xs text-stone-500">{detailsText(e.details)}</p>}
                {!e.reason && Object.keys(e.details).length === 0 && <span className="text-stone-500">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
