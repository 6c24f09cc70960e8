import { ScrollRegion } from "@/components/ui";
import type { ReactNode } from "react";
import { formatCo2, formatKg, formatLitres, humanize } from "@/lib/format";
import type { ReportMaterialType, ReportMonth } from "@/lib/types";

interface Row {
  key: string;
  label: ReactNode;
  count?: number | null;
  quantity_kg: unknown;
  carbon_saved: unknown;
  water_saved: unknown;
  scope3_emissions: unknown;
}

type Num = number | string | null | undefined;

function Table({ caption, first, rows }: { caption: string; first: string; rows: Row[] }) {
  return (
    <ScrollRegion label={caption}>
      <table className="w-full min-w-[36rem] whitespace-nowrap text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-stone-50 text-xs uppercase tracking-wide text-stone-500">
          <tr>
            <th scope="col" className="px-4 py-2.5 font-medium">
              {first}
            </th>
            <th scope="col" className="px-4 py-2.5 text-right font-medium">
              Orders
            </th>
            <th scope="col" className="px-4 py-2.5 text-right font-medium">
              Quantity
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
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row" className="px-4 py-2.5 font-medium text-stone-900">
                {r.label}
              </th>
              <td className="px-4 py-2.5 text-right text-stone-700">{r.count ?? "—"}</td>
              <td className="px-4 py-2.5 text-right text-stone-700">{formatKg(r.quantity_kg as Num)}</td>
              <td className="px-4 py-2.5 text-right text-amber-800">{formatCo2(r.scope3_emissions as Num)}</td>
              <td className="px-4 py-2.5 text-right text-brand-800">{formatCo2(r.carbon_saved as Num)}</td>
              <td className="px-4 py-2.5 text-right text-sky-800">{formatLitres(r.water_saved as Num)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

const pick = (o: object, k: string): unknown => (o as Record<string, unknown>)[k];
const count = (o: object): number | null => {
  const v = pick(o, "materials_purchased") ?? pick(o, "transactions") ?? pick(o, "count");
  return typeof v === "number" ? v : null;
};

export function MonthTable({ months }: { months: ReportMonth[] }) {
  return (
    <Table
      caption="By month"
      first="Month"
      rows={months.map((m) => ({
        key: String(m.month),
        label: String(m.month),
        count: count(m),
        quantity_kg: pick(m, "quantity_kg"),
        carbon_saved: m.carbon_saved,
        water_saved: pick(m, "water_saved"),
        scope3_emissions: m.scope3_emissions,
      }))}
    />
  );
}

export function MaterialTypeTable({ types }: { types: ReportMaterialType[] }) {
  return (
    <Table
      caption="By material type"
      first="Material type"
      rows={types.map((t) => ({
        key: String(t.material_type),
        label: humanize(String(t.material_type)),
        count: count(t),
        quantity_kg: pick(t, "quantity_kg"),
        carbon_saved: pick(t, "carbon_saved"),
        water_saved: pick(t, "water_saved"),
        scope3_emissions: pick(t, "scope3_emissions"),
      }))}
    />
  );
}
