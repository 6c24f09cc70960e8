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

/** URL query string -> API query (only known keys; invalid numbers dropped). */
export function toMaterialQuery(params: URLSearchParams): MaterialQuery {
  const q: MaterialQuery = {};
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
  const sort = params.get("sort");
  if (sort && SORTS.some((s) => s.value === sort)) q.sort = sort as Sort;
  const page = num(params.get("page"));
  q.page = page && page >= 1 ? Math.floor(page) : 1;
  q.limit = PAGE_SIZE;
  return q;
}

export const FILTER_KEYS = ["material_type", "source_type", "min_price", "max_price", "quantity", "currency", "origin_country", "certification"] as const;

export function activeFilterCount(params: URLSearchParams): number {
  return FILTER_KEYS.reduce((n, k) => n + (params.getAll(k).filter(Boolean).length > 0 ? 1 : 0), 0);
}
