import { NOT_KNOWN, formatNumber } from "@/lib/format";
import type { MaterialDetail } from "@/lib/types";

export function ImpactPanel({ material }: { material: MaterialDetail }) {
  const m = material.sustainability_metrics;
  const impact = material.impact;
  const tiles = [
    { label: "Carbon saved", value: impact?.carbon_saved_per_kg, unit: "kg CO₂e per kg", tone: "bg-brand-50 border-brand-200" },
    { label: "Water saved", value: impact?.water_saved_per_kg, unit: "L per kg", tone: "bg-sky-50 border-sky-200" },
    { label: "Carbon footprint", value: m?.carbon_footprint, unit: "kg CO₂e per kg", tone: "bg-white border-stone-200" },
    { label: "Water usage", value: m?.water_usage, unit: "L per kg", tone: "bg-white border-stone-200" },
  ];
  return (
    <div>
      <dl className="grid grid-cols-2 gap-3">
        {tiles.map((t) => (
          <div key={t.label} className={`rounded-xl border p-3 ${t.tone}`}>
            <dt className="text-xs font-medium text-stone-600">{t.label}</dt>
            <dd className="mt-1 text-xl font-semibold text-stone-900">
              {t.value === null || t.value === undefined ? <span className="text-base text-stone-600">{NOT_KNOWN}</span> : formatNumber(t.value, 2)}
            </dd>
            <dd className="text-xs text-stone-600">{t.unit}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-xs text-stone-500">
        Savings compared with {impact?.baseline ? <strong className="font-medium text-stone-700">{impact.baseline}</strong> : "virgin material of the same fibre"}. Footprint figures are the
        seller&apos;s latest declared metrics where given; see the passport for their history.
      </p>
    </div>
  );
}
