import type { MaterialQuery } from "@/lib/types";

export const SORTS = [
  { value: "relevance", label: "Best match" },
  { value: "newest", label: "Newest" },
  { value: "price_asc", label: "Price: low to high" },
  { value: "price_desc", label: "Price: high to low" },
] as const;

export type Sort = (typeof SORTS)[number]["value"];
export const PAGE_SIZE = 12;

const num = (v: string | null): number | undefined => {
  if (v === null || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** The search facets: per filter, its values with how many listings each would find. */
export type FacetName = "material_type" | "source_type" | "certification" | "origin_country";
export type Facets = Partial<Record<FacetName, Array<{ value: string; count: number }>>>;

/** The facets of a search response, when the server sends them. */
export function facetsOf(response: unknown): Facets {
  const facets = (response as { facets?: unknown } | undefined)?.facets;
  return facets && typeof facets === "object" ? facets : {};
}

/** Whether the server estimated the facet counts (from a sample of a large result). */
export function facetsApproximate(response: unknown): boolean {
  return (response as { facets_approximate?: unknown } | undefined)?.facets_approximate === true;
}

/** A facet count as shown: exact ("1,234"), or an estimate to two significant digits
 * ("about 1,200"); an estimate of 0 is still just 0. */
export function countLabel(count: number, approximate = false): string {
  if (!approximate || count === 0) return count.toLocaleString("en");
  const rounded = count < 100 ? count : Number(count.toPrecision(2));
  return `about ${rounded.toLocaleString("en")}`;
}

/** The results line of a search: "1 material found", "1,234 materials found", or "10,000+
 * materials found" when the server stopped counting at `total` (`total_approximate`). */
export function resultsLabel(response: { total: number; total_approximate?: boolean }): string {
  const count = response.total.toLocaleString("en");
  if (response.total_approximate === true) return `${count}+ materials found`;
  return `${count} material${response.total === 1 ? "" : "s"} found`;
}

/** "Deadstock (12)" when the facet has a count for the value ("Deadstock (about 1,200)" when
 * the counts are estimates); the plain label otherwise. */
export function withCount(label: string, facet: Facets[FacetName], value: string, approximate = false): string {
  const count = facetCount(facet, value);
  return count === null ? label : `${label} (${countLabel(count, approximate)})`;
}

/** Whether choosing the value would find nothing: the facet has counts and none for it (the
 * counts leave out the facet's own filter, so choosing another value adds its matches). */
export function findsNone(facet: Facets[FacetName], value: string): boolean {
  return facetCount(facet, value) === 0;
}

/** The value's count in the facet (0 when the facet leaves it out); null without the facet. */
function facetCount(facet: Facets[FacetName], value: string): number | null {
  if (!facet) return null;
  return facet.find((f) => f.value === value)?.count ?? 0;
}

export const UNITS = ["kg", "m", "m2", "yd", "roll", "piece"] as const;
export type Unit = (typeof UNITS)[number];

/** The units of the listings shown when they are sorted by price and mix units (prices are per
 * unit, so a metre and a kilo compare meaningless amounts); null when the order is meaningful. */
export function mixedPriceUnits(materials: ReadonlyArray<{ unit: string }>, sort: string | undefined): string[] | null {
  if (sort !== "price_asc" && sort !== "price_desc") return null;
  const units = [...new Set(materials.map((m) => m.unit))].sort();
  return units.length > 1 ? units : null;
}

/** A listing's price converted to the display currency, when the search sent one. */
export interface DisplayPrice {
  display_price?: number | string | null;
  display_currency?: string | null;
}

const DISPLAY_CURRENCY = "fabricloop.display_currency";

/** The display currency chosen last time (remembered in this browser), or null. */
export function rememberedDisplayCurrency(): string | null {
  try {
    const v = localStorage.getItem(DISPLAY_CURRENCY);
    return v && /^[A-Z]{3}$/.test(v) ? v : null;
  } catch {
    return null;
  }
}

export function rememberDisplayCurrency(code: string | null): void {
  try {
    if (code) localStorage.setItem(DISPLAY_CURRENCY, code);
    else localStorage.removeItem(DISPLAY_CURRENCY);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/** The currencies prices can be shown in: those with a reference rate (the base among them),
 * none before rates are loaded. */
export function displayCurrencies(fx: { base: string; rates: Array<{ currency: string }> } | undefined): string[] {
  if (!fx || fx.rates.length === 0) return [];
  return [...new Set([fx.base, ...fx.rates.map((r) => r.currency)])].sort();
}

/** URL query string -> API query (only known keys; invalid numbers dropped). `remembered` is the
 * display currency used when the URL names none ("" in the URL: each listing's own). */
export function toMaterialQuery(params: URLSearchParams, remembered: string | null = null, available?: string[]): MaterialQuery {
  const q: MaterialQuery = {};
  let display = params.has("display_currency") ? params.get("display_currency") : remembered;
  // A currency without a reference rate (or none loaded yet) is not sent: the search would refuse it.
  if (available && display && !available.includes(display)) display = null;
  // The search converts prices into it, for comparison beside each listing's own.
  if (display && /^[A-Z]{3}$/.test(display)) q.display_currency = display;
  const text = params.get("q")?.trim();
  if (text) q.q = text;
  const types = params.getAll("material_type").filter(Boolean);
  if (types.length) q.material_type = types as MaterialQuery["material_type"];
  const source = params.get("source_type")?.trim();
  if (source) q.source_type = source as MaterialQuery["source_type"];
  for (const key of ["currency", "origin_country", "certification"] as const) {
    const v = params.get(key)?.trim();
    if (v) q[key] = v;
  }
  const minPrice = num(params.get("min_price"));
  if (minPrice !== undefined) q.min_price = minPrice;
  const maxPrice = num(params.get("max_price"));
  if (maxPrice !== undefined) q.max_price = maxPrice;
  const quantity = num(params.get("quantity"));
  if (quantity !== undefined) q.quantity = quantity;
  // Trade terms: samples, verified sellers, the unit and the lots' width, weight and colour.
  for (const key of ["sample_available", "verified_only"] as const) {
    const v = params.get(key);
    if (v === "true") q[key] = true;
  }
  const unit = params.get("unit");
  if (unit && (UNITS as readonly string[]).includes(unit)) q.unit = unit as Unit;
  for (const key of ["min_width_cm", "max_width_cm", "min_weight_gsm", "max_weight_gsm"] as const) {
    const v = num(params.get(key));
    if (v !== undefined && v > 0) q[key] = v;
  }
  const color = params.get("color")?.trim();
  if (color) q.color = color;
  const sort = params.get("sort");
  if (sort && SORTS.some((s) => s.value === sort)) q.sort = sort as Sort;
  const page = num(params.get("page"));
  q.page = page && page >= 1 ? Math.floor(page) : 1;
  q.limit = PAGE_SIZE;
  return q;
}

export const FILTER_KEYS = [
  "material_type",
  "source_type",
  "min_price",
  "max_price",
  "quantity",
  "currency",
  "origin_country",
  "certification",
  "unit",
  "sample_available",
  "verified_only",
  "min_width_cm",
  "max_width_cm",
  "min_weight_gsm",
  "max_weight_gsm",
  "color",
] as const;

export function activeFilterCount(params: URLSearchParams): number {
  return FILTER_KEYS.reduce((n, k) => n + (params.getAll(k).filter(Boolean).length > 0 ? 1 : 0), 0);
}
