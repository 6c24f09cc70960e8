import { useState } from "react";
import { Link } from "react-router";
import { Badge } from "@/components/ui";
import { countryName, formatMoney, formatNumber, formatQuantity, humanize, unitLabel } from "@/lib/format";
import type { MaterialSummary } from "@/lib/types";
import { VerifiedBadge } from "./VerifiedBadge";
import type { DisplayPrice } from "./searchParams";

/** A listing's photo in a 4:3 box (the width and height say so before it loads). `priority`:
 * the first photo a page shows, fetched at once and first; the others wait until scrolled near. */
export function MaterialThumb({ src, alt, className = "", priority = false }: { src: string | null | undefined; alt: string; className?: string; priority?: boolean }) {
  const [failed, setFailed] = useState(false);
  if (!src || failed) {
    return (
      <div className={`flex items-center justify-center bg-gradient-to-br from-brand-50 to-stone-100 text-brand-300 ${className}`} aria-hidden="true">
        <svg viewBox="0 0 24 24" className="size-10" fill="none" stroke="currentColor" strokeWidth="1.5">
          <path d="M4 6c4 0 4 3 8 3s4-3 8-3M4 12c4 0 4 3 8 3s4-3 8-3M4 18c4 0 4 3 8 3s4-3 8-3" strokeLinecap="round" />
        </svg>
      </div>
    );
  }
  return (
    <img
      src={src}
      alt={alt}
      width={400}
      height={300}
      loading={priority ? "eager" : "lazy"}
      fetchPriority={priority ? "high" : "auto"}
      onError={() => setFailed(true)}
      className={`bg-stone-100 object-cover ${className}`}
    />
  );
}

/** A card's photo: on a phone a narrow column beside the text, so that several results fit on
 * one screen; from `sm` up, a 4:3 photo across the top of the card. */
const CARD_PHOTO = "w-28 shrink-0 self-stretch sm:aspect-[4/3] sm:w-full sm:self-auto";

export function MaterialCard({
  material,
  displayCurrency,
  priority = false,
}: {
  material: MaterialSummary & DisplayPrice & { origin_country?: string | null };
  displayCurrency?: string;
  /** The first card of a page: its photo loads first (MaterialThumb). */
  priority?: boolean;
}) {
  // Beside the listing's own price, its price converted for comparison (when the search sent it).
  const shownIn = material.display_currency ?? displayCurrency;
  const converted = material.display_price !== null && material.display_price !== undefined && shownIn && shownIn !== material.currency;
  return (
    <Link
      to={`/materials/${material.material_id}`}
      className="group flex overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm transition hover:-translate-y-0.5 hover:shadow-md sm:flex-col"
    >
      <MaterialThumb src={material.thumbnail_url} alt={material.title} priority={priority} className={CARD_PHOTO} />
      <div className="flex min-w-0 flex-1 flex-col gap-1.5 p-3 sm:gap-2 sm:p-4">
        <div className="flex flex-wrap gap-1.5">
          <Badge tone="brand">{humanize(material.material_type)}</Badge>
          <Badge>{humanize(material.source_type)}</Badge>
        </div>
        <h3 className="line-clamp-2 font-semibold text-stone-900 group-hover:text-brand-800">{material.title}</h3>
        <p className="flex min-w-0 items-center gap-1.5 text-sm text-stone-500">
          <span className="truncate">
            {material.seller.company_name}
            {material.origin_country ? ` · ${countryName(material.origin_country)}` : ""}
          </span>
          <VerifiedBadge seller={material.seller} className="shrink-0" />
        </p>
        <div className="mt-auto flex items-end justify-between gap-2 pt-1 sm:pt-2">
          <div>
            <p className="font-semibold text-stone-900 sm:text-lg">
              {formatMoney(material.price, material.currency)}
              <span className="text-sm font-normal text-stone-500"> / {unitLabel(material.unit)}</span>
            </p>
            {converted && (
              <p className="text-xs text-stone-600" data-testid="display-price">
                ≈ {formatMoney(material.display_price, shownIn)} / {unitLabel(material.unit)}
              </p>
            )}
            <p className="text-xs text-stone-500">{formatQuantity(material.quantity, material.unit)} available</p>
          </div>
          {material.carbon_footprint !== null && material.carbon_footprint !== undefined && (
            <p className="text-right text-xs text-stone-600" title="Carbon footprint, kg CO₂e per kg">
              <span className="block font-semibold text-brand-800">{formatNumber(material.carbon_footprint, 2)}</span>
              kg CO₂e/kg
            </p>
          )}
        </div>
      </div>
    </Link>
  );
}

/** A grid of `count` card placeholders, shown while results load. */
export function MaterialCardSkeletons({ count, className }: { count: number; className: string }) {
  return (
    <div className={className}>
      {Array.from({ length: count }, (_, i) => (
        <MaterialCardSkeleton key={i} />
      ))}
    </div>
  );
}

export function MaterialCardSkeleton() {
  return (
    <div className="flex overflow-hidden rounded-2xl border border-stone-200 bg-white sm:block" aria-hidden="true">
      <div className={`animate-pulse bg-stone-100 ${CARD_PHOTO}`} />
      <div className="flex-1 space-y-2 p-3 sm:p-4">
        <div className="h-4 w-1/3 animate-pulse rounded bg-stone-100" />
        <div className="h-5 w-3/4 animate-pulse rounded bg-stone-100" />
        <div className="h-4 w-1/2 animate-pulse rounded bg-stone-100" />
      </div>
    </div>
  );
}
