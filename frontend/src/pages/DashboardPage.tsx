import { Link } from "react-router";
import { MyListingsPanel, RecentMessagesPanel, TransactionsPanel } from "@/components/dashboard/Panels";
import { ButtonLink, ErrorBanner, PageHeader, Spinner, Stat } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useSustainabilityReport } from "@/hooks/reports";
import { formatCo2, formatLitres } from "@/lib/format";
import { knownTotal } from "@/lib/reportTotals";
import { usePageTitle } from "@/lib/usePageTitle";

function SavingsToDate({ since }: { since: string }) {
  const today = new Date().toISOString().slice(0, 10);
  const q = useSustainabilityReport({ start_date: since.slice(0, 10), end_date: today });
  if (q.isPending)
    return (
      <div className="flex justify-center rounded-2xl border border-stone-200 bg-white p-8 text-brand-700">
        <Spinner label="Loading savings" />
      </div>
    );
  if (q.isError) return <ErrorBanner error={q.error} title="Could not load your savings" onRetry={() => void q.refetch()} />;
  const r = q.data;
  return (
    <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
      <Stat label="Carbon saved to date" value={formatCo2(knownTotal(r.total_carbon_saved, r.lines, "carbon_saved"))} tone="brand" hint="vs virgin material" />
      <Stat label="Water saved to date" value={formatLitres(knownTotal(r.total_water_saved, r.lines, "water_saved"))} tone="brand" hint="vs virgin material" />
      <Stat label="Scope 3 emissions" value={formatCo2(r.scope3_emissions)} tone="amber" hint="Reported beside savings, never netted" />
      <Stat
        label="Purchases counted"
        value={r.materials_purchased}
        hint={
          <Link to="/reports" className="text-brand-700 hover:underline">
            Full report →
          </Link>
        }
      />
    </dl>
  );
}

export default function DashboardPage() {
  const { user } = useAuth();
  usePageTitle("Dashboard");
  if (!user) return null;
  const seller = user.role === "manufacturer";
  return (
    <div className="space-y-6">
      <PageHeader
        eyebrow={seller ? "Manufacturer" : "Brand"}
        title={`Welcome, ${user.company_name}`}
        description={seller ? "Your listings, orders to ship and conversations with buyers." : "Your purchases, their impact and your conversations with suppliers."}
        actions={
          seller ? (
            <>
              <ButtonLink to="/materials/new">+ List a material</ButtonLink>
              <ButtonLink to="/transactions?role=seller&status=paid" variant="secondary">
                Orders to ship
              </ButtonLink>
            </>
          ) : (
            <>
              <ButtonLink to="/materials">Find materials</ButtonLink>
              <ButtonLink to="/reports" variant="secondary">
                Sustainability report
              </ButtonLink>
            </>
          )
        }
      />
      {seller ? (
        <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-2">
          <MyListingsPanel sellerId={user.user_id} />
          <TransactionsPanel role="seller" status="paid" title="To ship" empty="Nothing to ship right now. Paid orders will appear here." />
          <RecentMessagesPanel />
          <TransactionsPanel role="buyer" title="My purchases" empty="You have not bought anything yet." />
        </div>
      ) : (
        <>
          <SavingsToDate since={user.created_at} />
          <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-2">
            <TransactionsPanel role="buyer" title="Recent purchases" empty="No purchases yet. Browse materials to get started." />
            <RecentMessagesPanel />
            <TransactionsPanel role="buyer" status="shipped" title="On the way" empty="No shipped orders awaiting receipt." />
          </div>
        </>
      )}
    </div>
  );
}
