import { useSearchParams } from "react-router";
import { TransactionTable } from "@/components/transactions/TransactionTable";
import { ButtonLink, EmptyState, PageHeader, Pagination, PageSpinner, QueryState, controlClass, cx } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useTransactions } from "@/hooks/transactions";
import type { TransactionStatus } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";

const STATUSES: TransactionStatus[] = ["pending", "paid", "shipped", "completed", "cancelled"];
const PAGE_SIZE = 20;

export default function TransactionsPage() {
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const role = (params.get("role") ?? (user?.role === "manufacturer" ? "seller" : "buyer")) === "seller" ? "seller" : "buyer";
  const statusParam = params.get("status");
  const status = STATUSES.find((s) => s === statusParam);
  const page = Math.max(1, Number(params.get("page")) || 1);
  const q = useTransactions({ role, ...(status ? { status } : {}), page, limit: PAGE_SIZE });
  usePageTitle("Orders");

  const set = (updates: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(updates)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!("page" in updates)) next.delete("page");
    setParams(next);
  };

  return (
    <div>
      <PageHeader title="Orders" description="Your purchases and sales, with their status." />
      <div className="mb-5 flex flex-wrap items-center justify-between gap-3">
        <div role="group" aria-label="Show" className="inline-flex rounded-xl bg-stone-100 p-1">
          {(["buyer", "seller"] as const).map((r) => (
            <button
              key={r}
              type="button"
              aria-pressed={role === r}
              onClick={() => set({ role: r })}
              className={cx("rounded-lg px-4 py-1.5 text-sm font-medium", role === r ? "bg-white text-stone-900 shadow-sm" : "text-stone-600 hover:text-stone-900")}
            >
              {r === "buyer" ? "Purchases" : "Sales"}
            </button>
          ))}
        </div>
        <label className="flex items-center gap-2 whitespace-nowrap text-sm text-stone-600">
          Status
          <select className={controlClass(null, "w-auto py-1.5")} value={status ?? ""} onChange={(e) => set({ status: e.target.value || null })}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.charAt(0).toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <QueryState
        query={q}
        loading={<PageSpinner label="Loading orders" />}
        errorTitle="Could not load orders"
        isEmpty={(d) => d.transactions.length === 0}
        empty={
          <EmptyState
            title={status ? `No ${status} orders` : role === "buyer" ? "No purchases yet" : "No sales yet"}
            description={role === "buyer" ? "Find deadstock and recycled materials to source." : "Orders for your listings will appear here."}
            action={role === "buyer" ? <ButtonLink to="/materials">Browse materials</ButtonLink> : <ButtonLink to="/materials/new">List a material</ButtonLink>}
          />
        }
      >
        {(data) => (
          <div className={q.isPlaceholderData ? "opacity-60" : ""}>
            <TransactionTable transactions={data.transactions} role={role} />
            <Pagination page={data.page} limit={data.limit} total={data.total} onPageChange={(p) => set({ page: String(p) })} />
          </div>
        )}
      </QueryState>
    </div>
  );
}
