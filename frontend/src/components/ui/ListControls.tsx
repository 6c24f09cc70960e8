import { useSearchParams } from "react-router";
import { cx } from "./cx";
import { controlClass } from "./Field";

/** The query string of a list page: `set` changes some keys (and goes back to page 1). */
export function useListParams() {
  const [params, setParams] = useSearchParams();
  const set = (updates: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(updates)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!("page" in updates)) next.delete("page");
    setParams(next);
  };
  const page = Math.max(1, Number(params.get("page")) || 1);
  return { params, set, page };
}

/** Two or more pressed-state buttons choosing what a list shows (purchases / sales, ...). */
export function SegmentedToggle<V extends string>({ label, value, options, onChange }: { label: string; value: V; options: Array<{ value: V; label: string }>; onChange: (v: V) => void }) {
  return (
    <div role="group" aria-label={label} className="inline-flex rounded-xl bg-stone-100 p-1">
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={value === o.value}
          onClick={() => onChange(o.value)}
          className={cx("rounded-lg px-4 py-1.5 text-sm font-medium", value === o.value ? "bg-white text-stone-900 shadow-sm" : "text-stone-600 hover:text-stone-900")}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

/** A compact "Status" select over a list ("All" first). */
export function StatusFilter<S extends string>({ value, statuses, onChange }: { value: S | undefined; statuses: readonly S[]; onChange: (s: S | null) => void }) {
  return (
    <label className="flex items-center gap-2 whitespace-nowrap text-sm text-stone-600">
      Status
      <select className={controlClass(null, "w-auto py-1.5")} value={value ?? ""} onChange={(e) => onChange((e.target.value || null) as S | null)}>
        <option value="">All</option>
        {statuses.map((s) => (
          <option key={s} value={s}>
            {s.charAt(0).toUpperCase() + s.slice(1)}
          </option>
        ))}
      </select>
    </label>
  );
}
