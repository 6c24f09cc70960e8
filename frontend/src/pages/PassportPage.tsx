import { Link, useParams } from "react-router";
import { DataList } from "@/components/materials/DataList";
import { ChangeLog } from "@/components/passports/ChangeLog";
import { MetricsHistory } from "@/components/passports/MetricsHistory";
import { CertificationList, ChemicalTable, CompositionBars, SupplyChainTimeline } from "@/components/passports/PassportSections";
import { Badge, Card, CardBody, CardHeader, QueryState, Skeleton, SkeletonRegion, buttonClass } from "@/components/ui";
import { passportJsonUrl, passportQrUrl, usePassport } from "@/hooks/passports";
import { countryName, formatDate, formatDateTime, formatNumber, humanize } from "@/lib/format";
import NotFoundPage from "./NotFoundPage";
import { usePageTitle } from "@/lib/usePageTitle";

/** The passport's outline while it loads: the header with its QR code, then the cards. */
function PassportSkeleton() {
  return (
    <SkeletonRegion label="Loading passport" className="space-y-6">
      <div className="flex flex-col gap-6 rounded-2xl border border-brand-200 bg-gradient-to-br from-brand-50 to-white p-6 sm:flex-row sm:items-center sm:p-8">
        <div className="min-w-0 flex-1 space-y-3">
          <Skeleton className="h-5 w-48" />
          <Skeleton className="h-8 w-3/4 sm:h-9" />
          <Skeleton className="h-6 w-64 max-w-full" />
          <Skeleton className="h-5 w-full max-w-md" />
          <Skeleton className="h-9 w-72 max-w-full" />
        </div>
        <Skeleton className="size-40 shrink-0 self-center rounded-xl" />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-72 rounded-2xl" />
        ))}
      </div>
    </SkeletonRegion>
  );
}

export default function PassportPage() {
  const { materialId = "" } = useParams();
  const q = usePassport(materialId);
  usePageTitle(q.data ? `Passport — ${q.data.title}` : "Digital Product Passport");

  if (q.status !== "success") return <QueryState query={q} loading={<PassportSkeleton />} errorTitle="Could not load this passport" notFound={<NotFoundPage />} />;
  const p = q.data;
  const m = p.sustainability_metrics;

  return (
    <div className="space-y-6">
      <section className="overflow-hidden rounded-2xl border border-brand-200 bg-gradient-to-br from-brand-50 to-white">
        <div className="flex flex-col gap-6 p-6 sm:flex-row sm:items-center sm:p-8">
          <div className="min-w-0 flex-1">
            <p className="text-sm font-semibold uppercase tracking-wide text-brand-700">Digital Product Passport</p>
            <h1 className="mt-1 text-2xl font-semibold tracking-tight text-stone-900 sm:text-3xl">{p.title}</h1>
            <div className="mt-3 flex flex-wrap gap-2">
              <Badge tone="brand">{humanize(p.material_type)}</Badge>
              <Badge>{humanize(p.source_type)}</Badge>
              {p.origin && <Badge>Made in {countryName(p.origin)}</Badge>}
            </div>
            <p className="mt-3 text-sm text-stone-600">
              Issued by <strong className="font-medium text-stone-900">{p.issuer.company_name}</strong> · Passport ID <span className="font-mono text-xs">{p.passport_id}</span>
            </p>
            <div className="mt-4 flex flex-wrap gap-2">
              <a href={passportJsonUrl(p.material_id)} className={buttonClass("secondary", "sm")} type="application/json">
                Machine-readable (UNTP JSON)
              </a>
              <Link to={`/materials/${p.material_id}`} className={buttonClass("ghost", "sm")}>
                View listing
              </Link>
            </div>
          </div>
          <figure className="shrink-0 self-center text-center">
            <img src={passportQrUrl(p.material_id)} alt={`QR code linking to ${p.public_url}`} width={160} height={160} className="size-40 rounded-xl border border-stone-200 bg-white p-2" />
            <figcaption className="mt-1 max-w-40 break-all text-[11px] text-stone-500">{p.public_url}</figcaption>
          </figure>
        </div>
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Identity" />
          <CardBody>
            <DataList
              items={[
                ["Material type", humanize(p.material_type)],
                ["Source", humanize(p.source_type)],
                ["Origin", countryName(p.origin)],
                ["Manufactured", formatDate(p.manufacture_date)],
                ["Issuer", p.issuer.company_name],
                ["Created", formatDateTime(p.created_at)],
                ["Last updated", formatDateTime(p.updated_at)],
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Current sustainability metrics" description={m?.recorded_at ? `Recorded ${formatDateTime(m.recorded_at)}` : undefined} />
          <CardBody>
            {m ? (
              <dl className="grid grid-cols-2 gap-3">
                <div className="rounded-xl border border-stone-200 p-3">
                  <dt className="text-xs text-stone-500">Carbon footprint</dt>
                  <dd className="text-xl font-semibold text-stone-900">{formatNumber(m.carbon_footprint, 3)}</dd>
                  <dd className="text-xs text-stone-500">kg CO₂e per kg</dd>
                </div>
                <div className="rounded-xl border border-stone-200 p-3">
                  <dt className="text-xs text-stone-500">Water usage</dt>
                  <dd className="text-xl font-semibold text-stone-900">{formatNumber(m.water_usage, 1)}</dd>
                  <dd className="text-xs text-stone-500">L per kg</dd>
                </div>
              </dl>
            ) : (
              <p className="text-sm text-stone-500">No metrics declared by the issuer.</p>
            )}
            <p className="mt-3 text-sm text-stone-600">
              Savings per kg vs {p.impact.baseline ?? "virgin material"}:{" "}
              <strong className="font-medium text-brand-800">{p.impact.carbon_saved_per_kg === null ? "carbon not known" : `${formatNumber(p.impact.carbon_saved_per_kg, 2)} kg CO₂e`}</strong> and{" "}
              <strong className="font-medium text-sky-800">{p.impact.water_saved_per_kg === null ? "water not known" : `${formatNumber(p.impact.water_saved_per_kg, 0)} L water`}</strong>.
            </p>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Composition" />
          <CardBody>
            <CompositionBars composition={p.composition} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Certifications" />
          <CardBody>
            <CertificationList certifications={p.certifications} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Supply chain" />
          <CardBody>
            <SupplyChainTimeline steps={p.supply_chain} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Chemical composition" />
          <CardBody>
            <ChemicalTable chemicals={m?.chemical_composition} />
          </CardBody>
        </Card>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Metrics history" description="Every recorded set of metrics; earlier entries are never overwritten." />
          <CardBody>
            <MetricsHistory history={p.metrics_history} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Change log" description="Every change to this passport, by whom and when." />
          <CardBody>
            <ChangeLog changes={p.changes} />
          </CardBody>
        </Card>
      </div>
    </div>
  );
}
