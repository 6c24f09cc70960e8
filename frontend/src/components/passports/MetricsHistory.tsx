import { ScrollRegion } from "@/components/ui";
import { formatDateTime, formatNumber } from "@/lib/format";
import type { Passport } from "@/lib/types";

export function MetricsHistory({ history }: { history: Passport["metrics_history"] }) {
  if (!history?.length) return <p className="text-sm text-stone-500">No metrics have been recorded.</p>;
  const rows = [...history].sort((a, b) => String(b.recorded_at ?? "").localeCompare(String(a.recorded_at ?? "")));
  return (
    <ScrollRegion label="Metrics history">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Metrics history, newest first</caption>
        <thead className="text-xs uppercase tracking-wide text-stone-500">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">
              Recorded
            </th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">
              Carbon (kg CO₂e/kg)
            </th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">
              Water (L/kg)
            </th>
            <th scope="col" className="py-2 text-right font-medium">
              Substances
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {rows.map((m, i) => (
            <tr key={i}>
              <td className="py-2 pr-3 text-stone-700">{formatDateTime(m.recorded_at)}</td>
              <td className="py-2 pr-3 text-right text-stone-900">{formatNumber(m.carbon_footprint, 3)}</td>
              <td className="py-2 pr-3 text-right text-stone-900">{formatNumber(m.water_usage, 1)}</td>
              <td className="py-2 text-right text-stone-600">{m.chemical_composition?.length ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
