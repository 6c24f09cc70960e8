import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber, toNumber } from "@/lib/format";
import type { ReportMonth } from "@/lib/types";

function monthLabel(m: string): string {
  const d = new Date(`${m.slice(0, 7)}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return m;
  return new Intl.DateTimeFormat(undefined, { month: "short", year: "2-digit", timeZone: "UTC" }).format(d);
}

/** Monthly Scope 3 emissions with avoided emissions beside them (separate bars, never netted). */
export function Scope3Chart({ months }: { months: ReportMonth[] }) {
  const data = months.map((m) => ({
    month: monthLabel(String(m.month)),
    scope3: toNumber(m.scope3_emissions) ?? 0,
    saved: toNumber(m.carbon_saved) ?? 0,
  }));
  return (
    <figure>
      <div className="h-72 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e7e5e4" />
            <XAxis dataKey="month" tick={{ fontSize: 12, fill: "#57534e" }} tickLine={false} axisLine={{ stroke: "#d6d3d1" }} />
            <YAxis tick={{ fontSize: 12, fill: "#57534e" }} tickLine={false} axisLine={false} width={56} tickFormatter={(v: number) => formatNumber(v, 0)} />
            <Tooltip formatter={(v) => `${formatNumber(Number(v), 1)} kg CO₂e`} cursor={{ fill: "#f5f5f4" }} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="scope3" name="Scope 3 emissions (cat. 1)" fill="#b45309" radius={[4, 4, 0, 0]} isAnimationActive={false} />
            <Bar dataKey="saved" name="Avoided emissions vs virgin" fill="#1b7a65" radius={[4, 4, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-2 text-xs text-stone-500">kg CO₂e per month. Avoided emissions are shown beside Scope 3 emissions and are never subtracted from them.</figcaption>
    </figure>
  );
}
