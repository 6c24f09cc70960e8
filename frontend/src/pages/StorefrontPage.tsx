import { useParams, useSearchParams } from "react-router";
import { MaterialCard } from "@/components/materials/MaterialCard";
import { VerifiedBadge } from "@/components/materials/VerifiedBadge";
import { EmptyState, PageHeader, PageSkeleton, Pagination, QueryState, Stat } from "@/components/ui";
import { STOREFRONT_PAGE_SIZE, useStorefront } from "@/hooks/sellers";
import { countryName, formatCo2, formatDate, formatKg, formatLitres, formatNumber } from "@/lib/format";
import { usePageTitle } from "@/lib/usePageTitle";
import NotFoundPage from "./NotFoundPage";

/** A seller's storefront: the company, whether FabricLoop verified it, and its live listings. */
export default function StorefrontPage() {
  const { id } = useParams();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const q = useStorefront(id, page);
  usePageTitle(q.data?.company_name ?? "Seller");
  return (
    <QueryState query={q} loading={<PageSkeleton label="Loading the seller" />} errorTitle="Could not load this seller" notFound={<NotFoundPage />}>
      {(s) => (
        <div className={q.isPlaceholderData ? "opacity-60" : undefined}>
          <PageHeader
            eyebrow="Seller"
            title={
              <span className="inline-flex flex-wrap items-center gap-2">
                {s.company_name} <VerifiedBadge seller={s} />
              </span>
            }
            description={[
              s.country ? `Based in ${countryName(s.country)}` : null,
              `on FabricLoop since ${formatDate(s.member_since)}`,
              `${formatNumber(s.listing_count)} ${s.listing_count === 1 ? "listing" : "listings"} on sale`,
            ]
              .filter(Boolean)
              .join(" · ")}
          />
          <section aria-labelledby="seller-impact" className="mb-8">
            <h2 id="seller-impact" className="mb-3 text-lg font-semibold text-stone-900">
              What their materials saved buyers
            </h2>
            {s.impact.completed_orders === 0 ? (
              <p className="text-sm text-stone-600">No completed orders yet: nothing to count.</p>
            ) : (
              <>
                <dl className="grid gap-4 sm:grid-cols-3">
                  <Stat label="Carbon saved" value={formatCo2(s.impact.total_carbon_saved)} tone="brand" />
                  <Stat label="Water saved" value={formatLitres(s.impact.total_water_saved)} tone="brand" />
                  <Stat
                    label="Material sold"
                    value={formatKg(s.impact.total_quantity_kg)}
                    hint={`${formatNumber(s.impact.completed_orders)} completed ${s.impact.completed_orders === 1 ? "order" : "orders"}`}
                  />
                </dl>
                <p className="mt-2 text-xs text-stone-600">Against new virgin material, over every completed order, computed as in the sustainability reports.</p>
              </>
            )}
          </section>
          {s.materials.length === 0 ? (
            <EmptyState title="Nothing on sale right now" description="This seller has no live listings at the moment." />
          ) : (
            <>
              <h2 className="sr-only">Listings</h2>
              <ul className="grid gap-5 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
                {s.materials.map((m) => (
                  <li key={m.material_id} className="flex">
                    <MaterialCard material={m} />
                  </li>
                ))}
              </ul>
              <Pagination page={s.page} limit={STOREFRONT_PAGE_SIZE} total={s.total} onPageChange={(p) => setParams({ page: String(p) })} />
            </>
          )}
        </div>
      )}
    </QueryState>
  );
}
