import type { ReactNode } from "react";
import { ScrollRegion } from "@/components/ui";
import { humanize } from "@/lib/format";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function Scalar({ value }: { value: unknown }): ReactNode {
  if (value === null || value === undefined || value === "") return <span className="text-stone-400">—</span>;
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "string" || typeof value === "number") return String(value);
  return JSON.stringify(value);
}

/** A table for a list of flat records (e.g. the factors used), else a list. */
function ListView({ items, label }: { items: unknown[]; label: string }) {
  if (items.length && items.every(isRecord)) {
    const cols = Array.from(new Set(items.flatMap((r) => Object.keys(r))));
    return (
      <ScrollRegion label={label} className="rounded-xl border border-stone-200">
        <table className="w-full min-w-[48rem] text-left text-xs">
          <thead className="bg-stone-50 uppercase tracking-wide text-stone-500">
            <tr>
              {cols.map((c) => (
                <th key={c} scope="col" className="px-3 py-2 font-medium">
                  {humanize(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {items.map((r, i) => (
              <tr key={i}>
                {cols.map((c) => {
                  const v = r[c];
                  return (
                    <td key={c} className={`px-3 py-2 align-top text-stone-700 ${typeof v === "string" && v.length > 60 ? "min-w-72" : ""}`}>
                      {isRecord(v) || Array.isArray(v) ? <Value value={v} /> : <Scalar value={v} />}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    );
  }
  return (
    <ul className="list-disc space-y-1 pl-5">
      {items.map((v, i) => (
        <li key={i}>
          <Value value={v} />
        </li>
      ))}
    </ul>
  );
}

function Value({ value, label = "Methodology" }: { value: unknown; label?: string }): ReactNode {
  if (Array.isArray(value)) return <ListView items={value} label={label} />;
  if (isRecord(value)) {
    return (
      <dl className="space-y-3">
        {Object.entries(value).map(([k, v]) => (
          <div key={k}>
            <dt className="text-xs font-semibold uppercase tracking-wide text-stone-500">{humanize(k)}</dt>
            <dd className="mt-1 text-sm text-stone-700">
              <Value value={v} label={humanize(k)} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  if (typeof value === "string") return <span className="whitespace-pre-line">{value}</span>;
  return <Scalar value={value} />;
}

/** Renders the report's `methodology` whatever its shape (text, object, factor tables). */
export function Methodology({ methodology }: { methodology: unknown }) {
  return (
    <div className="text-sm text-stone-700">
      <Value value={methodology} />
    </div>
  );
}
