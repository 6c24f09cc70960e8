import { TransactionTable } from "@/components/transactions/TransactionTable";
import { ButtonLink, EmptyState, ListSkeleton, PageHeader, Pagination, QueryState } from "@/components/ui";
import { SegmentedToggle, StatusFilter, useListParams } from "@/components/ui/ListControls";
import { useAuth } from "@/hooks/auth";
import { useTransactions } from "@/hooks/transactions";
import type { TransactionStatus } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";

const STATUSES: TransactionStatus[] = ["pending", "paid", "shipped", "completed", "cancelled"];
const PAGE_SIZE = 20;

export default function TransactionsPage() {
  const { user } = useAuth();
  const { params, set, page } = useListParams();
  const role = (params.get("role") ?? (user?.role === "manufacturer" ? "seller" : "buyer")) === "seller" ? "seller" : "buyer";
  const statusParam = params.get("status");
  const status = STATUSES.find((s) => s === statusParam);
  const q = useTransactions({ role, ...(status ? { status } : {}), page, limit: PAGE_SIZE });
  usePageTitle("Orders");

  return (
    <div>
      <PageHeader title="Orders" description="Your purchases and sales, with their status." />
      <div className="mb-5 flex flex-wrap items-center justify-between gap-3">
        <SegmentedToggle
          label="Show"
          value={role}
          options={[
            { value: "buyer", label: "Purchases" },
            { value: "seller", label: "Sales" },
          ]}
          onChange={(r) => set({ role: r })}
        />
        <StatusFilter value={status} statuses={STATUSES} onChange={(s) => set({ status: s })} />
      </div>
      <QueryState
        query={q}
        loading={<ListSkeleton label="Loading orders" />}
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
