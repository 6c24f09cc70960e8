import { useState } from "react";
import { useSearchParams } from "react-router";
import { ActiveFilters } from "@/components/materials/ActiveFilters";
import { MaterialCard, MaterialCardSkeletons } from "@/components/materials/MaterialCard";
import { MaterialFilters } from "@/components/materials/MaterialFilters";
import { SearchBox } from "@/components/materials/SearchBox";
import {
  SORTS,
  activeFilterCount,
  displayCurrencies,
  facetsApproximate,
  resultsLabel,
  facetsOf,
  mixedPriceUnits,
  rememberDisplayCurrency,
  rememberedDisplayCurrency,
  toMaterialQuery,
} from "@/components/materials/searchParams";
import { unitsLabel } from "@/lib/format";
import { Badge, EmptyState, PageHeader, QueryState, Pagination, controlClass } from "@/components/ui";
import { useFxRates, useMaterialSearch } from "@/hooks/materials";
import { usePageTitle } from "@/lib/usePageTitle";
import { SaveSearch } from "@/components/materials/SaveSearch";
import { useAuth } from "@/hooks/auth";

export default function MaterialsPage() {
  const [params, setParams] = useSearchParams();
  const [remembered, setRemembered] = useState(rememberedDisplayCurrency);
  const fx = useFxRates();
  const currencies = displayCurrencies(fx.data);
  const query = toMaterialQuery(params, remembered, fx.isPending ? undefined : currencies);
  const displayCurrency = query.display_currency ?? "";
  const search = useMaterialSearch(query);
  usePageTitle(query.q ? `“${query.q}” — materials` : "Browse materials");
  const filterCount = activeFilterCount(params);
  const { status } = useAuth();

  const update = (updates: Record<string, string | string[] | null>, resetPage = true) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(updates)) {
      next.delete(k);
      if (Array.isArray(v)) v.forEach((x) => next.append(k, x));
      else if (v !== null && v !== "") next.set(k, v);
    }
    if (resetPage) next.delete("page");
    setParams(next);
  };

  const sortValue = query.sort ?? (query.q ? "relevance" : "newest");

  return (
    <div>
      <PageHeader title="Browse materials" description="Deadstock, surplus and recycled textiles from verified manufacturers." />
      <div className="mb-6 max-w-2xl">
        <SearchBox initial={query.q ?? ""} onSearch={(q) => update({ q: q || null })} />
        {/* Past the filters in one key press: the results take focus. */}
        <a
          href="#results"
          onClick={(e) => {
            e.preventDefault();
            document.getElementById("results")?.focus();
          }}
          className="sr-only focus:not-sr-only focus:mt-2 focus:inline-block focus:rounded-lg focus:bg-white focus:px-3 focus:py-1.5 focus:text-sm focus:font-medium focus:text-brand-800 focus:shadow"
        >
          Skip to results
        </a>
      </div>
      <div className="grid gap-8 lg:grid-cols-[16rem_1fr]">
        <aside>
          <details className="group rounded-2xl border border-stone-200 bg-white p-4 lg:hidden">
            <summary className="flex cursor-pointer items-center justify-between text-sm font-semibold text-stone-900">
              Filters {filterCount > 0 && <Badge tone="brand">{filterCount} active</Badge>}
            </summary>
            <div className="mt-4">
              <MaterialFilters params={params} facets={facetsOf(search.data)} approximate={facetsApproximate(search.data)} onChange={update} onReset={() => setParams(query.q ? { q: query.q } : {})} />
            </div>
          </details>
          <div className="hidden rounded-2xl border border-stone-200 bg-white p-5 lg:block">
            <MaterialFilters params={params} facets={facetsOf(search.data)} approximate={facetsApproximate(search.data)} onChange={update} onReset={() => setParams(query.q ? { q: query.q } : {})} />
          </div>
        </aside>
        <section id="results" tabIndex={-1} aria-labelledby="results-heading" aria-busy={search.isFetching} className="scroll-mt-4 outline-none">
          <h2 id="results-heading" className="sr-only">
            Results
          </h2>
          <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-stone-600" aria-live="polite">
              {search.data ? resultsLabel(search.data) : "Searching…"}
            </p>
            <div className="flex flex-wrap items-center gap-3">
              {/* While the rates load, the choice shows (disabled) where it will be. */}
              {(fx.isPending || currencies.length > 0) && (
                <label className="flex items-center gap-2 whitespace-nowrap text-sm text-stone-600">
                  Prices in
                  <select
                    className={controlClass(null, "w-auto py-1.5")}
                    disabled={fx.isPending}
                    value={displayCurrency}
                    onChange={(e) => {
                      const code = e.target.value || null;
                      rememberDisplayCurrency(code);
                      setRemembered(code);
                      update({ display_currency: code ?? "" }, false);
                    }}
                  >
                    <option value="">Listing currency</option>
                    {currencies.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <label className="flex items-center gap-2 whitespace-nowrap text-sm text-stone-600">
                Sort by
                <select className={controlClass(null, "w-auto py-1.5")} value={sortValue} onChange={(e) => update({ sort: e.target.value })}>
                  {SORTS.filter((s) => s.value !== "relevance" || query.q).map((s) => (
                    <option key={s.value} value={s.value}>
                      {s.label}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          </div>
          {status === "authenticated" && (query.q || filterCount > 0) && (
            <div className="mb-4">
              <SaveSearch key={params.toString()} query={query} suggestedName={query.q ? `“${query.q}”` : `My search, ${filterCount} ${filterCount === 1 ? "filter" : "filters"}`} />
            </div>
          )}
          <ActiveFilters
            params={params}
            onRemove={(k, v) => {
              const next = new URLSearchParams(params);
              const rest = next.getAll(k).filter((x) => x !== v);
              next.delete(k);
              rest.forEach((x) => next.append(k, x));
              next.delete("page");
              setParams(next);
            }}
          />
          <QueryState
            query={search}
            errorTitle="Search failed"
            loading={<MaterialCardSkeletons count={6} className="grid gap-5 sm:grid-cols-2 xl:grid-cols-3" />}
            isEmpty={(d) => d.materials.length === 0}
            empty={
              <EmptyState
                title="No materials match"
                description="Try fewer filters or a broader search term."
                action={
                  <button type="button" className="text-sm font-medium text-brand-700 hover:underline" onClick={() => setParams({})}>
                    Clear search and filters
                  </button>
                }
              />
            }
          >
            {(data) => (
              <>
                <MixedUnits units={mixedPriceUnits(data.materials, sortValue)} onPick={(unit) => update({ unit })} />
                <div className={`grid gap-5 sm:grid-cols-2 xl:grid-cols-3 ${search.isPlaceholderData ? "opacity-60" : ""}`}>
                  {data.materials.map((m, i) => (
                    <MaterialCard key={m.material_id} material={m} displayCurrency={data.display_currency ?? displayCurrency} priority={i === 0} />
                  ))}
                </div>
                <Pagination
                  page={data.page}
                  limit={data.limit}
                  total={data.total}
                  approximate={data.total_approximate}
                  onPageChange={(p) => {
                    update({ page: String(p) }, false);
                    window.scrollTo({ top: 0, behavior: "smooth" });
                  }}
                />
              </>
            )}
          </QueryState>
        </section>
      </div>
    </div>
  );
}

/** Prices are per unit: sorted by price, a page that mixes metres and kilos orders amounts that
 * don't compare. Says so, and offers to keep one unit. */
function MixedUnits({ units, onPick }: { units: string[] | null; onPick: (unit: string) => void }) {
  if (!units) return null;
  return (
    <div role="note" aria-label="Mixed units" className="mb-4 rounded-xl border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
      <p>Sorted by price per unit, but these results are sold in different units ({units.map(unitsLabel).join(", ")}): their prices don&rsquo;t compare. Show one unit only:</p>
      <div className="mt-2 flex flex-wrap gap-2">
        {units.map((u) => (
          <button key={u} type="button" onClick={() => onPick(u)} className="rounded-full border border-amber-300 bg-white px-3 py-0.5 text-xs font-medium text-amber-900 hover:bg-amber-100">
            Only {unitsLabel(u)}
          </button>
        ))}
      </div>
    </div>
  );
}
