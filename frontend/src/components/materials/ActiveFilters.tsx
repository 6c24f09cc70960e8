import { countryName, humanize, unitLabel } from "@/lib/format";
import { FILTER_KEYS } from "./searchParams";

const LABELS: Record<string, (v: string) => string> = {
  material_type: (v) => humanize(v),
  source_type: (v) => humanize(v),
  min_price: (v) => `Price ≥ ${v}`,
  max_price: (v) => `Price ≤ ${v}`,
  quantity: (v) => `At least ${v} available`,
  currency: (v) => v,
  origin_country: (v) => `From ${countryName(v)}`,
  certification: (v) => v,
  unit: (v) => `Sold by ${unitLabel(v)}`,
  sample_available: () => "Samples available",
  verified_only: () => "Verified sellers",
  min_width_cm: (v) => `Width ≥ ${v} cm`,
  max_width_cm: (v) => `Width ≤ ${v} cm`,
  min_weight_gsm: (v) => `Weight ≥ ${v} g/m²`,
  max_weight_gsm: (v) => `Weight ≤ ${v} g/m²`,
  color: (v) => `Colour: ${v}`,
};

/** Removable chips for the filters in the URL. */
export function ActiveFilters({ params, onRemove }: { params: URLSearchParams; onRemove: (key: string, value: string) => void }) {
  const chips = FILTER_KEYS.flatMap((k) =>
    params
      .getAll(k)
      .filter(Boolean)
      .map((v) => ({ k, v })),
  );
  if (!chips.length) return null;
  return (
    <ul className="mb-4 flex flex-wrap gap-2" aria-label="Active filters">
      {chips.map(({ k, v }) => {
        const label = (LABELS[k] ?? ((x: string) => x))(v);
        return (
          <li key={`${k}=${v}`}>
            <button
              type="button"
              onClick={() => onRemove(k, v)}
              className="inline-flex items-center gap-1.5 rounded-full border border-brand-200 bg-brand-50 py-1 pl-3 pr-2 text-xs font-medium text-brand-800 hover:bg-brand-100"
              aria-label={`Remove filter ${label}`}
            >
              {label}
              <span aria-hidden="true" className="text-brand-600">
                ×
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
