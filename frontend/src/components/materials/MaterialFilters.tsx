import { type FormEvent, useState } from "react";
import { Button, CountryInput, Input, Select, Skeleton, SkeletonRegion } from "@/components/ui";
import { useMaterialTypes } from "@/hooks/materials";
import { useResettableState } from "@/hooks/useResettableState";
import { countryName, humanize, unitsLabel } from "@/lib/format";
import { type Facets, countLabel, findsNone, withCount } from "./searchParams";

interface Props {
  params: URLSearchParams;
  /** Counts per value of the current search (each without its own filter), when sent. */
  facets?: Facets;
  /** The counts are estimates (a large result, counted from a sample). */
  approximate?: boolean;
  onChange: (updates: Record<string, string | string[] | null>) => void;
  onReset: () => void;
}

const opts = (values: string[] | undefined) => (values ?? []).map((v) => ({ value: v, label: humanize(v) }));

// The measures typed into the filters: width (cm) and weight (g/m²) of a lot, each > 0.
const MEASURES = ["min_width_cm", "max_width_cm", "min_weight_gsm", "max_weight_gsm"] as const;
const MEASURE_NAMES: Record<(typeof MEASURES)[number], string> = {
  min_width_cm: "Min width",
  max_width_cm: "Max width",
  min_weight_gsm: "Min weight",
  max_weight_gsm: "Max weight",
};

const TRADE_CHECKS = [
  ["sample_available", "Samples available"],
  ["verified_only", "Verified sellers only"],
] as const;

export function MaterialFilters({ params, facets = {}, approximate = false, onChange, onReset }: Props) {
  const types = useMaterialTypes();
  const selected = params.getAll("material_type");
  // The price, quantity and origin fields are a draft of the URL's values until applied.
  const [draft, setDraft] = useResettableState(params.toString(), () => ({
    min_price: params.get("min_price") ?? "",
    max_price: params.get("max_price") ?? "",
    quantity: params.get("quantity") ?? "",
    origin_country: params.get("origin_country") ?? "",
    color: params.get("color") ?? "",
    min_width_cm: params.get("min_width_cm") ?? "",
    max_width_cm: params.get("max_width_cm") ?? "",
    min_weight_gsm: params.get("min_weight_gsm") ?? "",
    max_weight_gsm: params.get("max_weight_gsm") ?? "",
  }));
  const [error, setError] = useState<string | null>(null);

  const applyDraft = (e?: FormEvent) => {
    e?.preventDefault();
    const bad = (["min_price", "max_price", "quantity"] as const).find((k) => draft[k] && !(Number(draft[k]) >= 0));
    if (bad) return setError(`${humanize(bad)} must be a non-negative number.`);
    if (draft.min_price && draft.max_price && Number(draft.min_price) > Number(draft.max_price)) return setError("Minimum price must not exceed the maximum price.");
    if (draft.origin_country && !/^[A-Z]{2}$/.test(draft.origin_country)) return setError("Origin: choose a country from the list.");
    const badMeasure = MEASURES.find((k) => draft[k] && !(Number(draft[k]) > 0));
    if (badMeasure) return setError(`${MEASURE_NAMES[badMeasure]} must be a number above 0.`);
    for (const [low, high, name] of [
      ["min_width_cm", "max_width_cm", "width"],
      ["min_weight_gsm", "max_weight_gsm", "weight"],
    ] as const) {
      if (draft[low] && draft[high] && Number(draft[low]) > Number(draft[high])) return setError(`Minimum ${name} must not exceed the maximum ${name}.`);
    }
    setError(null);
    onChange({
      ...Object.fromEntries(MEASURES.map((k) => [k, draft[k] || null])),
      color: draft.color.trim() || null,
      min_price: draft.min_price || null,
      max_price: draft.max_price || null,
      quantity: draft.quantity || null,
      origin_country: draft.origin_country ? draft.origin_country.toUpperCase() : null,
    });
  };

  const toggleType = (t: string) => {
    const next = selected.includes(t) ? selected.filter((x) => x !== t) : [...selected, t];
    onChange({ material_type: next });
  };

  return (
    <form onSubmit={applyDraft} noValidate className="space-y-5" aria-label="Filters">
      <fieldset>
        <legend className="mb-2 text-sm font-semibold text-stone-900">Material type</legend>
        {types.isPending ? (
          // As high as the list will be (at most h-64), so the fields below stay put.
          <SkeletonRegion label="Loading material types" className="h-56 space-y-2.5 lg:h-64">
            {Array.from({ length: 8 }, (_, i) => (
              <Skeleton key={i} className="h-5 w-32" />
            ))}
          </SkeletonRegion>
        ) : (
          <div className="grid max-h-64 grid-cols-2 gap-x-3 gap-y-1.5 overflow-y-auto pr-1 lg:grid-cols-1">
            {(types.data?.material_types ?? []).map((t) => (
              <label key={t} className={`flex items-center gap-2 text-sm ${findsNone(facets.material_type, t) && !selected.includes(t) ? "text-stone-500" : "text-stone-700"}`}>
                <input type="checkbox" className="size-4 rounded accent-brand-700" checked={selected.includes(t)} onChange={() => toggleType(t)} />
                {withCount(humanize(t), facets.material_type, t, approximate)}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <Select
        label="Source"
        value={params.get("source_type") ?? ""}
        onChange={(e) => onChange({ source_type: e.target.value || null })}
        options={opts(types.data?.source_types).map((o) => ({ ...o, label: withCount(o.label, facets.source_type, o.value, approximate) }))}
        placeholder="Any source"
      />
      <Select
        label="Certification"
        value={params.get("certification") ?? ""}
        onChange={(e) => onChange({ certification: e.target.value || null })}
        options={(types.data?.certification_schemes ?? []).map((c) => ({ value: c, label: withCount(c, facets.certification, c, approximate) }))}
        placeholder="Any certification"
      />
      <Select
        label="Currency"
        value={params.get("currency") ?? ""}
        onChange={(e) => onChange({ currency: e.target.value || null })}
        options={(types.data?.currencies ?? []).map((c) => ({ value: c, label: c }))}
        placeholder="Any currency"
      />
      <Select
        label="Unit"
        value={params.get("unit") ?? ""}
        onChange={(e) => onChange({ unit: e.target.value || null })}
        options={(types.data?.units ?? []).map((u) => ({ value: u, label: unitsLabel(u) }))}
        placeholder="Any unit"
      />
      <fieldset className="space-y-1.5">
        <legend className="mb-1 text-sm font-semibold text-stone-900">Trade</legend>
        {TRADE_CHECKS.map(([key, label]) => (
          <label key={key} className="flex items-center gap-2 text-sm text-stone-700">
            <input type="checkbox" className="size-4 rounded accent-brand-700" checked={params.get(key) === "true"} onChange={(e) => onChange({ [key]: e.target.checked ? "true" : null })} />
            {label}
          </label>
        ))}
      </fieldset>
      <div className="grid grid-cols-2 gap-3">
        <Input label="Min price" inputMode="decimal" value={draft.min_price} onChange={(e) => setDraft((d) => ({ ...d, min_price: e.target.value }))} onBlur={() => applyDraft()} />
        <Input label="Max price" inputMode="decimal" value={draft.max_price} onChange={(e) => setDraft((d) => ({ ...d, max_price: e.target.value }))} onBlur={() => applyDraft()} />
      </div>
      <Input label="Min. quantity available" inputMode="decimal" value={draft.quantity} onChange={(e) => setDraft((d) => ({ ...d, quantity: e.target.value }))} onBlur={() => applyDraft()} />
      <Input label="Colour" placeholder="Any colour" value={draft.color} onChange={(e) => setDraft((d) => ({ ...d, color: e.target.value }))} onBlur={() => applyDraft()} />
      <div className="grid grid-cols-2 gap-3">
        {MEASURES.map((k) => (
          <Input
            key={k}
            label={`${MEASURE_NAMES[k]} (${k.endsWith("cm") ? "cm" : "g/m²"})`}
            inputMode="decimal"
            value={draft[k]}
            onChange={(e) => setDraft((d) => ({ ...d, [k]: e.target.value }))}
            onBlur={() => applyDraft()}
          />
        ))}
      </div>
      <CountryInput label="Origin country" placeholder="Any country" value={draft.origin_country} onChange={(code) => setDraft((d) => ({ ...d, origin_country: code }))} onBlur={() => applyDraft()} />
      {facets.origin_country && facets.origin_country.length > 0 && (
        <fieldset>
          <legend className="mb-1.5 text-xs font-medium text-stone-600">Origins in these results</legend>
          <ul className="flex flex-wrap gap-1.5">
            {facets.origin_country.slice(0, 8).map((f) => (
              <li key={f.value}>
                <button
                  type="button"
                  aria-pressed={params.get("origin_country") === f.value}
                  onClick={() => onChange({ origin_country: params.get("origin_country") === f.value ? null : f.value })}
                  className="rounded-full border border-stone-300 px-2.5 py-0.5 text-xs text-stone-700 hover:bg-stone-100 aria-pressed:border-brand-600 aria-pressed:bg-brand-50"
                >
                  {countryName(f.value)} ({countLabel(f.count, approximate)})
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {error && (
        <p role="alert" className="text-sm font-medium text-red-600">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="submit" size="sm">
          Apply
        </Button>
        <Button type="button" size="sm" variant="ghost" onClick={onReset}>
          Clear all
        </Button>
      </div>
    </form>
  );
}
