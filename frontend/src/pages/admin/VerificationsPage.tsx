import { type FormEvent } from "react";
import { Link } from "react-router";
import { UserBadges } from "@/components/admin/UserBadges";
import { Button, EmptyState, Input, ListSkeleton, PageHeader, Pagination, QueryState, Select } from "@/components/ui";
import { useAdminUsers } from "@/hooks/admin";
import { pageParam, useParamsState } from "@/hooks/useParamsState";
import { useResettableState } from "@/hooks/useResettableState";
import { formatDate, humanize } from "@/lib/format";
import type { AdminUserQuery } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";

const VIEWS: Record<string, { label: string; query: AdminUserQuery; empty: string }> = {
  waiting: { label: "Awaiting verification", query: { has_company_details: true, verified: false }, empty: "No company is waiting for verification." },
  verified: { label: "Verified", query: { verified: true }, empty: "No verified companies." },
  suspended: { label: "Suspended", query: { suspended: true }, empty: "No suspended accounts." },
  all: { label: "All accounts", query: {}, empty: "No accounts match." },
};

export default function VerificationsPage() {
  const [params, set] = useParamsState();
  const viewKey = params.get("view") ?? "waiting";
  const view = VIEWS[viewKey] ?? VIEWS.waiting;
  const q = params.get("q") ?? "";
  const users = useAdminUsers({ ...view.query, ...(q ? { q } : {}), page: pageParam(params), limit: 20 });
  usePageTitle("Verifications");
  const [draft, setDraft] = useResettableState(q, () => q);
  const search = (e: FormEvent) => {
    e.preventDefault();
    set({ q: draft.trim() || null });
  };
  return (
    <div>
      <PageHeader title="Verifications and accounts" description="Companies that gave their legal details wait here for a check against the register; verified sellers carry a badge buyers see." />
      <div className="mb-5 flex flex-wrap items-end gap-3">
        <Select
          label="Show"
          value={viewKey in VIEWS ? viewKey : "waiting"}
          onChange={(e) => set({ view: e.target.value })}
          options={Object.entries(VIEWS).map(([value, v]) => ({ value, label: v.label }))}
          wrapperClassName="w-56"
        />
        <form onSubmit={search} role="search" className="flex items-end gap-2">
          <Input label="Company or email" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={200} wrapperClassName="w-64" />
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </form>
      </div>
      <QueryState
        query={users}
        loading={<ListSkeleton label="Loading accounts" />}
        errorTitle="Could not load accounts"
        isEmpty={(d) => d.users.length === 0}
        empty={<EmptyState title={view.empty} description={q ? `Nothing matches “${q}”.` : undefined} />}
      >
        {(data) => (
          <div className={users.isPlaceholderData ? "opacity-60" : ""}>
            <ul className="divide-y divide-stone-100 overflow-hidden rounded-2xl border border-stone-200 bg-white">
              {data.users.map((u) => (
                <li key={u.user_id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 hover:bg-stone-50">
                  <div className="min-w-0">
                    <Link to={`/admin/users/${u.user_id}`} className="font-medium text-stone-900 hover:text-brand-800 hover:underline">
                      {u.company_name}
                    </Link>
                    <p className="truncate text-sm text-stone-600">
                      {u.email} · {humanize(u.role)} · joined {formatDate(u.created_at)}
                    </p>
                  </div>
                  <UserBadges user={u} />
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
