import { ScrollRegion } from "@/components/ui";
import { formatCo2, formatDate, formatKg, formatLitres, formatPercent } from "@/lib/format";
import type { ReportLine, ReportMethodShare } from "@/lib/types";

const METHOD_WORDS: Record<string, string> = {
  supplier_specific: "Seller's own figure",
  average_data: "Average for the material",
  none: "No figure",
};

/** How much of the Scope 3 figure each GHG Protocol method produced. */
export function MethodShares({ shares }: { shares: ReportMethodShare[] }) {
  return (
    <ul className="grid gap-3 sm:grid-cols-3">
      {shares.map((s) => (
        <li key={s.method} className="rounded-xl border border-stone-200 p-4">
          <p className="text-sm font-semibold text-stone-900">{METHOD_WORDS[s.method] ?? s.method}</p>
          <p className="mt-1 text-xs text-stone-500">{s.name}</p>
          <p className="mt-3 text-sm text-stone-700">
            {formatKg(s.quantity_kg)} ({formatPercent(s.share_of_quantity)} of the weight)
          </p>
          <p className="text-sm text-amber-800">
            {s.scope3_emissions === null ? "Not counted in Scope 3" : `${formatCo2(s.scope3_emissions)} (${formatPercent(s.share_of_emissions ?? 0)} of Scope 3)`}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** Every purchase (or sale) with the impact of the quantity actually bought. */
export function PurchaseLines({ lines, sales = false }: { lines: ReportLine[]; sales?: boolean }) {
  return (
    <ScrollRegion label={sales ? "Sales" : "Purchases"}>
      <table className="w-full min-w-[48rem] text-left text-sm">
        <caption className="sr-only">{sales ? "Sales" : "Purchases"}</caption>
        <thead className="bg-stone-50 text-xs uppercase tracking-wide text-stone-500">
          <tr>
            <th scope="col" className="px-4 py-2.5 font-medium">
              Paid
            </th>
            <th scope="col" className="px-4 py-2.5 font-medium">
              Material
            </th>
            <th scope="col" className="px-4 py-2.5 text-right font-medium">
              {sales ? "Sold" : "Bought"}
            </th>
            <th scope="col" className="px-4 py-2.5 font-medium">
              Figure from
            </th>
            <th scope="col" className="px-4 py-2.5 text-right font-medium">
              Scope 3
            </th>
            <th scope="col" className="px-4 py-2.5 text-right font-medium">
              Carbon saved
            </th>
            <th scope="col" className="px-4 py-2.5 text-right font-medium">
              Water saved
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {lines.map((l) => (
            <tr key={l.transaction_id}>
              <td className="px-4 py-2.5 text-stone-700">{formatDate(l.paid_date)}</td>
              <th scope="row" className="px-4 py-2.5 font-medium text-stone-900">
                {l.material_title}
                <span className="block text-xs font-normal text-stone-500">{l.material_type_name}</span>
              </th>
              <td className="px-4 py-2.5 text-right text-stone-700">{formatKg(l.quantity_kg)}</td>
              <td className="px-4 py-2.5 text-stone-700">{METHOD_WORDS[l.scope3_method] ?? l.scope3_method}</td>
              <td className="px-4 py-2.5 text-right text-amber-800">{l.scope3_emissions === null ? "no figure" : formatCo2(l.scope3_emissions)}</td>
              <td className="px-4 py-2.5 text-right text-brand-800">{formatCo2(l.carbon_saved)}</td>
              <td className="px-4 py-2.5 text-right text-sky-800">{formatLitres(l.water_saved)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
