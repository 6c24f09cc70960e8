import type { ReactNode } from "react";

export function DataList({ items }: { items: Array<[ReactNode, ReactNode]> }) {
  return (
    <dl className="divide-y divide-stone-100">
      {items.map(([k, v], i) => (
        <div key={i} className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)] gap-3 py-2.5 text-sm">
          <dt className="text-stone-500">{k}</dt>
          <dd className="break-words text-stone-900">{v ?? "—"}</dd>
        </div>
      ))}
    </dl>
  );
}
