import { Button, controlClass } from "@/components/ui";
import type { Errors } from "@/lib/validation";

export interface Column<R> {
  key: keyof R & string;
  label: string;
  type?: "text" | "date" | "decimal" | "select";
  options?: Array<{ value: string; label: string }>;
  placeholder?: string;
  width?: string;
  list?: string;
}

interface Props<R> {
  legend: string;
  description?: string;
  rows: R[];
  columns: Column<R>[];
  empty: () => R;
  onChange: (rows: R[]) => void;
  errors: Errors;
  /** error key prefix, e.g. "composition" -> "composition.0.percent" */
  prefix: string;
  addLabel: string;
  max?: number;
}

/** An editable table of rows (composition, certifications, supply chain, chemicals). */
export function RowsEditor<R extends Record<string, string>>({ legend, description, rows, columns, empty, onChange, errors, prefix, addLabel, max }: Props<R>) {
  const update = (i: number, key: keyof R, value: string) => onChange(rows.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  const remove = (i: number) => onChange(rows.filter((_, j) => j !== i));
  const sectionError = errors[prefix];
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-semibold text-stone-900">{legend}</legend>
      {description && <p className="text-xs text-stone-500">{description}</p>}
      {rows.map((row, i) => (
        <div
          key={i}
          className="grid items-start gap-2 rounded-xl border border-stone-200 bg-stone-50/60 p-3 sm:grid-cols-[repeat(var(--cols),minmax(0,1fr))_auto]"
          style={{ ["--cols" as string]: columns.length }}
        >
          {columns.map((c) => {
            const err = errors[`${prefix}.${i}.${c.key}`];
            const id = `${prefix}-${i}-${c.key}`;
            return (
              <div key={c.key} className="space-y-1">
                <label htmlFor={id} className="block text-xs font-medium text-stone-600">
                  {c.label}
                </label>
                {c.type === "select" ? (
                  <select id={id} className={controlClass(err)} value={row[c.key]} onChange={(e) => update(i, c.key, e.target.value)} aria-invalid={Boolean(err) || undefined}>
                    <option value="">Select…</option>
                    {(c.options ?? []).map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={id}
                    className={controlClass(err)}
                    type={c.type === "date" ? "date" : "text"}
                    inputMode={c.type === "decimal" ? "decimal" : undefined}
                    placeholder={c.placeholder}
                    list={c.list}
                    value={row[c.key]}
                    onChange={(e) => update(i, c.key, e.target.value)}
                    aria-invalid={Boolean(err) || undefined}
                  />
                )}
                {err && <p className="text-xs font-medium text-red-600">{err}</p>}
              </div>
            );
          })}
          <Button variant="ghost" size="sm" className="self-end text-red-700 sm:mb-0.5" onClick={() => remove(i)} aria-label={`Remove ${legend.toLowerCase()} row ${i + 1}`}>
            Remove
          </Button>
        </div>
      ))}
      {sectionError && (
        <p role="alert" className="text-sm font-medium text-red-600">
          {sectionError}
        </p>
      )}
      {(max === undefined || rows.length < max) && (
        <Button variant="secondary" size="sm" onClick={() => onChange([...rows, empty()])}>
          + {addLabel}
        </Button>
      )}
    </fieldset>
  );
}
