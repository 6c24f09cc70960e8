import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber, humanize } from "@/lib/format";

interface Props {
  rows: Array<{ label: string; value: number }>;
  /** What the bars count, for the tooltip and the screen-reader summary. */
  unit: string;
  caption: string;
  color?: string;
}

/**
 * A bar chart of counts (the same recharts the sustainability report uses). The SVG is hidden
 * from screen readers; the caption and a list of the figures say the same.
 */
export function CountChart({ rows, unit, caption, color = "#1b7a65" }: Props) {
  const data = rows.map((r) => ({ label: humanize(r.label), value: r.value }));
  return (
    <figure>
      <div className="h-56 w-full" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e7e5e4" />
            <XAxis dataKey="label" tick={{ fontSize: 12, fill: "#57534e" }} tickLine={false} axisLine={{ stroke: "#d6d3d1" }} interval={0} />
            <YAxis tick={{ fontSize: 12, fill: "#57534e" }} tickLine={false} axisLine={false} width={40} allowDecimals={false} />
            <Tooltip formatter={(v) => `${formatNumber(Number(v), 0)} ${unit}`} cursor={{ fill: "#f5f5f4" }} />
            <Bar dataKey="value" name={unit} fill={color} radius={[4, 4, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-2 text-xs text-stone-600">
        {caption}: {data.length ? data.map((d) => `${d.label} ${formatNumber(d.value, 0)}`).join(", ") : "none"}.
      </figcaption>
    </figure>
  );
}
