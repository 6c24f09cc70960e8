import { useSearchParams } from "react-router";
import { Methodology } from "@/components/reports/Methodology";
import { MaterialTypeTable, MonthTable } from "@/components/reports/ReportTables";
import { Scope3Chart } from "@/components/reports/Scope3Chart";
import { MethodShares, PurchaseLines } from "@/components/reports/ScopeMethods";
import { Button, ButtonLink, Card, CardBody, CardHeader, type DateRange, DateRangeForm, EmptyState, ErrorBanner, FiguresSkeleton, PageHeader, QueryState, Stat } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { type ReportSide, useExportReport, useSustainabilityReport } from "@/hooks/reports";
import { formatCo2, formatDate, formatKg, formatLitres, formatPercent } from "@/lib/format";
import { knownTotal, linesWithout, savedHint } from "@/lib/reportTotals";
import { usePageTitle } from "@/lib/usePageTitle";

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export default function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const start = params.get("start_date") ?? "";
  const end = params.get("end_date") ?? "";
  const { user } = useAuth();
  const seller = user?.role === "manufacturer";
  // A manufacturer's report is first of all the impact of what they sold.
  const side: ReportSide = params.get("side") === "purchases" || !seller ? "purchases" : "sales";
  const sales = side === "sales";
  const range = { ...(DATE_RE.test(start) ? { start_date: start } : {}), ...(DATE_RE.test(end) ? { end_date: end } : {}), side };
  const report = useSustainabilityReport(range);
  const exporter = useExportReport();
  const title = sales ? "Impact of your sales" : "Sustainability report";
  usePageTitle(title);
  const r = report.data;
  // The fields show the range the report covers, the default one included, and send it back.
  const apply = (chosen: DateRange) => {
    const next = new URLSearchParams();
    if (seller) next.set("side", side);
    if (chosen.start) next.set("start_date", chosen.start);
    if (chosen.end) next.set("end_date", chosen.end);
    setParams(next);
  };

  return (
    <div className="space-y-6">
      <PageHeader
        title={title}
        description={
          sales
            ? "The material you sold back into use: the emissions and water it avoided versus virgin material, and the Scope 3 figure your buyers report for it."
            : "Impact of the materials you bought: avoided emissions and water versus virgin material, with your Scope 3 category 1 emissions reported beside them."
        }
        actions={
          <>
            <Button variant="secondary" loading={exporter.isPending && exporter.variables?.format === "csv"} onClick={() => exporter.mutate({ format: "csv", ...range })}>
              Export CSV
            </Button>
            <Button variant="secondary" loading={exporter.isPending && exporter.variables?.format === "pdf"} onClick={() => exporter.mutate({ format: "pdf", ...range })}>
              Export PDF
            </Button>
          </>
        }
      />
      {seller && (
        <nav aria-label="Report side" className="flex gap-2">
          {(["sales", "purchases"] as const).map((option) => (
            <ButtonLink
              key={option}
              to={`?${new URLSearchParams({ ...Object.fromEntries(params), side: option }).toString()}`}
              variant={option === side ? "primary" : "secondary"}
              aria-current={option === side ? "page" : undefined}
            >
              {option === "sales" ? "What you sold" : "What you bought"}
            </ButtonLink>
          ))}
        </nav>
      )}
      <DateRangeForm
        start={start || r?.start_date || ""}
        end={end || r?.end_date || ""}
        onApply={apply}
        after={
          <>
            {(start || end) && (
              <Button variant="ghost" onClick={() => setParams(seller ? { side } : {})}>
                Last 12 months
              </Button>
            )}
            {r && (
              <p className="order-last w-full text-xs text-stone-500">
                Showing {sales ? "sales" : "purchases"} paid {formatDate(r.start_date)} – {formatDate(r.end_date)} (inclusive, UTC).
              </p>
            )}
          </>
        }
      />
      {exporter.error && <ErrorBanner error={exporter.error} title="Export failed" />}
      <QueryState query={report} loading={<FiguresSkeleton label="Building report" />} errorTitle="Could not load the report">
        {(r) => (
          <div className={report.isPlaceholderData ? "space-y-6 opacity-60" : "space-y-6"}>
            <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
              <Stat label={sales ? "Orders sold" : "Materials purchased"} value={r.materials_purchased} hint={`${formatKg(r.total_quantity_kg)} in total`} />
              <Stat label="Carbon saved" value={formatCo2(knownTotal(r.total_carbon_saved, r.lines, "carbon_saved"))} hint="Avoided vs virgin material" tone="brand" />
              <Stat
                label="Water saved"
                value={formatLitres(knownTotal(r.total_water_saved, r.lines, "water_saved"))}
                hint={savedHint("Blue water vs virgin material", linesWithout(r.lines, "water_saved"), r.lines.length)}
                tone="brand"
              />
              <Stat label="Scope 3 emissions" value={formatCo2(r.scope3_emissions)} hint="GHG Protocol cat. 1, reported separately — not netted" tone="amber" />
            </dl>
            {Number(r.coverage.share_without_factors) > 0 && (
              <p className="rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
                {formatPercent(r.coverage.share_without_factors)} of the {sales ? "sold" : "purchased"} weight ({formatKg(r.coverage.quantity_kg_without_factors)}) has no sourced factor, so no saving
                is claimed for it.
                {Number(r.coverage.share_without_footprint) > 0 &&
                  ` ${formatPercent(r.coverage.share_without_footprint)} (${formatKg(r.coverage.quantity_kg_without_footprint)}) has no footprint figure and adds nothing to Scope 3.`}
              </p>
            )}
            {r.materials_purchased === 0 ? (
              sales ? (
                <EmptyState
                  title="No paid sales in this period"
                  description="The report covers your orders that are paid, shipped or completed."
                  action={<ButtonLink to="/dashboard">Your listings</ButtonLink>}
                />
              ) : (
                <EmptyState
                  title="No paid purchases in this period"
                  description="Reports cover purchases that are paid, shipped or completed."
                  action={<ButtonLink to="/materials">Browse materials</ButtonLink>}
                />
              )
            ) : (
              <>
                <Card>
                  <CardHeader title="Where the Scope 3 figure comes from" description={r.coverage.statement} />
                  <CardBody>
                    <MethodShares shares={r.scope3_methods} />
                  </CardBody>
                </Card>
                <Card>
                  <CardHeader
                    title={sales ? "Your sales" : "Your purchases"}
                    description={sales ? "The impact of the quantity each buyer actually bought from you." : "The impact of the quantity you actually bought."}
                  />
                  <PurchaseLines lines={r.lines} sales={sales} />
                </Card>
                <Card>
                  <CardHeader title="Monthly Scope 3 emissions" />
                  <CardBody>
                    <Scope3Chart months={r.by_month} />
                  </CardBody>
                </Card>
                <Card>
                  <CardHeader title="By month" />
                  <MonthTable months={r.by_month} />
                </Card>
                <Card>
                  <CardHeader title="By material type" />
                  <MaterialTypeTable types={r.by_material_type} />
                </Card>
              </>
            )}
            <Card>
              <CardHeader title="Methodology" description="Factors, sources and method used for these figures." />
              <CardBody>
                <Methodology methodology={r.methodology} />
              </CardBody>
            </Card>
          </div>
        )}
      </QueryState>
    </div>
  );
}
