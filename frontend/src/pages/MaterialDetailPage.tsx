import { Link, useLocation, useParams } from "react-router";
import { DataList } from "@/components/materials/DataList";
import { ImageGallery } from "@/components/materials/ImageGallery";
import { ImpactPanel } from "@/components/materials/ImpactPanel";
import { OwnerActions } from "@/components/materials/OwnerActions";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { ContactSeller } from "@/components/messages/ContactSeller";
import { CertificationList, ChemicalTable, CompositionBars, SupplyChainTimeline } from "@/components/passports/PassportSections";
import { Badge, ButtonLink, Card, CardBody, CardHeader, ErrorBanner, PageSpinner } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useMaterial } from "@/hooks/materials";
import { ApiError } from "@/lib/errors";
import { countryName, formatDate, formatMoney, formatNumber, formatQuantity, humanize, unitLabel } from "@/lib/format";
import NotFoundPage from "./NotFoundPage";
import { usePageTitle } from "@/lib/usePageTitle";

export default function MaterialDetailPage() {
  const { id } = useParams();
  const location = useLocation();
  const { user, status } = useAuth();
  const q = useMaterial(id);
  usePageTitle(q.data?.title ?? "Material");

  if (q.isPending) return <PageSpinner label="Loading material" />;
  if (q.isError) {
    if (q.error instanceof ApiError && q.error.status === 404) return <NotFoundPage />;
    return <ErrorBanner error={q.error} title="Could not load this material" onRetry={() => void q.refetch()} />;
  }
  const m = q.data;
  const isOwner = user?.user_id === m.seller.user_id;
  const here = encodeURIComponent(location.pathname);
  const available = Number(m.quantity) > 0 && m.status === "active";

  return (
    <div className="space-y-8">
      <nav aria-label="Breadcrumb" className="text-sm text-stone-500">
        <Link to="/materials" className="hover:text-stone-800">
          Materials
        </Link>{" "}
        / <span className="text-stone-700">{m.title}</span>
      </nav>
      {/* On a phone the two columns dissolve into one list (contents), reordered so that the
          photos, the price with "Buy now" and the impact come first. */}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)] lg:gap-8">
        <div className="contents lg:block lg:space-y-6">
          <div className="-order-2 lg:order-none">
            <ImageGallery images={m.images} title={m.title} />
          </div>
          <Card>
            <CardHeader title="Description" />
            <CardBody>
              {m.description ? <p className="whitespace-pre-line text-sm leading-relaxed text-stone-700">{m.description}</p> : <p className="text-sm text-stone-500">No description.</p>}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Specifications" />
            <CardBody>
              <DataList
                items={[
                  ["Material type", humanize(m.material_type)],
                  ["Source", humanize(m.source_type)],
                  ["Available", formatQuantity(m.quantity, m.unit)],
                  ["Minimum order", m.min_order_quantity ? formatQuantity(m.min_order_quantity, m.unit) : "None"],
                  ["Weight per unit", m.unit === "kg" ? "—" : m.kg_per_unit ? `${formatNumber(m.kg_per_unit, 3)} kg per ${unitLabel(m.unit)}` : "—"],
                  ["Colour", m.color || "—"],
                  ["Origin", countryName(m.origin_country)],
                  ["Manufactured", formatDate(m.manufacture_date)],
                  ["Listed", formatDate(m.created_at)],
                  ["Last updated", formatDate(m.updated_at)],
                ]}
              />
            </CardBody>
          </Card>
          <div className="grid gap-6 md:grid-cols-2">
            <Card>
              <CardHeader title="Composition" />
              <CardBody>
                <CompositionBars composition={m.composition} />
              </CardBody>
            </Card>
            <Card>
              <CardHeader title="Certifications" />
              <CardBody>
                <CertificationList certifications={m.certifications} />
              </CardBody>
            </Card>
          </div>
          <Card>
            <CardHeader title="Supply chain" />
            <CardBody>
              <SupplyChainTimeline steps={m.supply_chain} />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Chemical composition" />
            <CardBody>
              <ChemicalTable chemicals={m.sustainability_metrics?.chemical_composition} />
            </CardBody>
          </Card>
        </div>

        <div className="contents lg:sticky lg:top-24 lg:block lg:space-y-6 lg:self-start">
          <Card className="-order-1 lg:order-none">
            <CardBody className="space-y-4">
              <div className="flex flex-wrap gap-1.5">
                <Badge tone="brand">{humanize(m.material_type)}</Badge>
                <Badge>{humanize(m.source_type)}</Badge>
                {m.status !== "active" && <StatusBadge status={m.status} />}
              </div>
              <h1 className="text-2xl font-semibold tracking-tight text-stone-900">{m.title}</h1>
              <p className="text-sm text-stone-600">
                Sold by <span className="font-medium text-stone-900">{m.seller.company_name}</span>
              </p>
              <p className="text-3xl font-semibold text-stone-900">
                {formatMoney(m.price, m.currency)}
                <span className="text-base font-normal text-stone-500"> / {unitLabel(m.unit)}</span>
              </p>
              <p className="text-sm text-stone-600">{formatQuantity(m.quantity, m.unit)} available</p>
              {isOwner ? (
                <OwnerActions material={m} />
              ) : status === "authenticated" ? (
                available ? (
                  <ButtonLink to={`/checkout/${m.material_id}`} size="lg" className="w-full">
                    Buy now
                  </ButtonLink>
                ) : (
                  <p className="rounded-lg bg-stone-100 p-3 text-sm text-stone-600">This material is not available to buy right now.</p>
                )
              ) : (
                <ButtonLink to={`/login?next=${encodeURIComponent(`/checkout/${m.material_id}`)}`} size="lg" className="w-full">
                  Sign in to buy
                </ButtonLink>
              )}
            </CardBody>
          </Card>
          <Card className="-order-1 lg:order-none">
            <CardHeader title="Environmental impact" />
            <CardBody>
              <ImpactPanel material={m} />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Digital Product Passport" description="Public, verifiable record of this material." />
            <CardBody className="flex items-center gap-4">
              <img src={`/api/passports/${m.material_id}/qr.svg`} alt="QR code linking to the passport" className="size-24 rounded-lg border border-stone-200 bg-white p-1" />
              <div className="space-y-2 text-sm">
                <p className="text-stone-600">Scan or open the passport to see composition, certifications, metrics history and supply chain.</p>
                <Link to={`/passport/${m.material_id}`} className="font-medium text-brand-700 hover:underline">
                  View passport →
                </Link>
              </div>
            </CardBody>
          </Card>
          {!isOwner && (
            <Card>
              <CardHeader title="Contact the seller" />
              <CardBody>
                {status === "authenticated" ? (
                  <ContactSeller sellerId={m.seller.user_id} sellerName={m.seller.company_name} materialId={m.material_id} materialTitle={m.title} />
                ) : (
                  <p className="text-sm text-stone-600">
                    <Link to={`/login?next=${here}`} className="font-medium text-brand-700 hover:underline">
                      Sign in
                    </Link>{" "}
                    to message {m.seller.company_name}.
                  </p>
                )}
              </CardBody>
            </Card>
          )}
        </div>
      </div>
    </div>
  );
}
