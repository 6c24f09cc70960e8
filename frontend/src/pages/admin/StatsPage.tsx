import { CountChart } from "@/components/admin/StatsCharts";
import { Button, Card, CardBody, CardHeader, DateRangeForm, FiguresSkeleton, PageHeader, QueryState, ScrollRegion, Stat } from "@/components/ui";
import { usePlatformStats } from "@/hooks/admin";
import { useParamsState } from "@/hooks/useParamsState";
import { formatCo2, formatDate, formatKg, formatLitres, formatMoney, formatNumber } from "@/lib/format";
import { countRows, lastDays, statusRows } from "@/lib/trust";
import type { PlatformStats } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";

export default function StatsPage() {
  const [params, set] = useParamsState();
  const fallback = lastDays(30);
  const start = params.get("start_date") ?? fallback.start;
  const end = params.get("end_date") ?? fallback.end;
  const q = usePlatformStats({ start_date: start, end_date: end });
  usePageTitle("Statistics");
  return (
    <div className="space-y-6">
      <PageHeader title="Statistics" description="How the marketplace did over a period: money by currency, orders, disputes, new accounts and the impact of what was bought." />
      <DateRangeForm
        start={start}
        end={end}
        onApply={(r) => set({ start_date: r.start || null, end_date: r.end || null })}
        after={[7, 30, 90, 365].map((days) => (
          <Button
            key={days}
            variant="ghost"
            size="sm"
            onClick={() => {
              const r = lastDays(days);
              set({ start_date: r.start, end_date: r.end });
            }}
          >
            Last {days} days
          </Button>
        ))}
      />
      <QueryState query={q} loading={<FiguresSkeleton label="Computing statistics" />} errorTitle="Could not load the statistics">
        {(s) => <StatsView stats={s} dim={q.isPlaceholderData} />}
      </QueryState>
    </div>
  );
}

function StatsView({ stats: s, dim }: { stats: PlatformStats; dim: boolean }) {
  const orders = statusRows(s.orders_by_status);
  const roles = countRows(s.new_accounts.by_role);
  return (
    <div className={dim ? "space-y-6 opacity-60" : "space-y-6"}>
      <p className="text-sm text-stone-600">
        {formatDate(s.start_date)} – {formatDate(s.end_date)} (inclusive, UTC)
      </p>
      <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          label="Orders placed"
          value={formatNumber(
            orders.reduce((n, r) => n + r.orders, 0),
            0,
          )}
        />
        <Stat label="Open disputes" value={s.disputes.open} hint={`${s.disputes.opened} opened, ${s.disputes.resolved} resolved in the period`} tone={s.disputes.open > 0 ? "amber" : "neutral"} />
        <Stat label="New accounts" value={s.new_accounts.total} />
        <Stat label="Carbon saved" value={formatCo2(s.impact.carbon_saved)} hint={`${formatLitres(s.impact.water_saved)} water · ${formatKg(s.impact.quantity_kg)} bought`} tone="brand" />
      </dl>
      <Card>
        <CardHeader title="Money by currency" description="Gross merchandise value of paid orders, refunds and the platform's fees; each currency on its own, never converted." />
        {s.by_currency.length === 0 ? (
          <CardBody>
            <p className="text-sm text-stone-600">No paid orders in this period.</p>
          </CardBody>
        ) : (
          <ScrollRegion label="Money by currency">
            <table className="w-full text-left text-sm">
              <thead className="bg-stone-50 text-xs uppercase tracking-wide text-stone-500">
                <tr>
                  <th scope="col" className="px-5 py-3 font-medium">
                    Currency
                  </th>
                  <th scope="col" className="px-5 py-3 text-right font-medium">
                    Orders
                  </th>
                  <th scope="col" className="px-5 py-3 text-right font-medium">
                    GMV
                  </th>
                  <th scope="col" className="px-5 py-3 text-right font-medium">
                    Refunded
                  </th>
                  <th scope="col" className="px-5 py-3 text-right font-medium">
                    Platform fees
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {s.by_currency.map((c) => (
                  <tr key={c.currency}>
                    <th scope="row" className="px-5 py-3 font-medium text-stone-900">
                      {c.currency}
                    </th>
                    <td className="px-5 py-3 text-right tabular-nums">{c.orders}</td>
                    <td className="px-5 py-3 text-right tabular-nums">{formatMoney(c.gmv, c.currency)}</td>
                    <td className="px-5 py-3 text-right tabular-nums">{formatMoney(c.refunded, c.currency)}</td>
                    <td className="px-5 py-3 text-right font-medium tabular-nums">{formatMoney(c.platform_fees, c.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Orders by status" description="Orders placed in the period, by where they are now." />
          <CardBody>
            <CountChart rows={orders.map((r) => ({ label: r.status, value: r.orders }))} unit="orders" caption="Orders by status" />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="New accounts by role" />
          <CardBody>
            <CountChart rows={roles.map((r) => ({ label: r.key, value: r.count }))} unit="accounts" caption="New accounts by role" color="#0369a1" />
          </CardBody>
        </Card>
      </div>
    </div>
  );
}
