import { type FormEvent, type ReactNode, useState } from "react";
import { useResettableState } from "@/hooks/useResettableState";
import { validateDateRange } from "@/lib/trust";
import { Button } from "./Button";
import { cx } from "./cx";
import { Input } from "./Field";

export interface DateRange {
  start: string;
  end: string;
}

interface Props {
  /** The range shown: what the URL asks for, or the range the page fell back to. */
  start: string;
  end: string;
  /** Called with a checked range (either end may be empty: open). */
  onApply: (range: DateRange) => void;
  submitLabel?: string;
  submitVariant?: "primary" | "secondary";
  className?: string;
  /** Controls before the dates (a record type, say). */
  before?: ReactNode;
  /** Controls after the submit button (presets, a reset) and a line under the form. */
  after?: ReactNode;
}

/**
 * The "From / To" form of the report, statistics and audit pages: a draft the user edits, the
 * range checked (YYYY-MM-DD, start not after end) before it is applied, the problem announced.
 * The draft starts over whenever the range shown changes (a preset, the URL, a default arriving).
 */
export function DateRangeForm({ start, end, onApply, submitLabel = "Update", submitVariant = "primary", className, before, after }: Props) {
  const [draft, setDraft] = useResettableState(`${start}/${end}`, () => ({ start, end }));
  const [problem, setProblem] = useState<string | null>(null);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const found = validateDateRange(draft.start, draft.end);
    setProblem(found);
    if (!found) onApply(draft);
  };
  return (
    <form onSubmit={apply} noValidate className={cx("flex flex-wrap items-end gap-3 rounded-2xl border border-stone-200 bg-white p-4", className)}>
      {before}
      <Input label="From" type="date" value={draft.start} onChange={(e) => setDraft((d) => ({ ...d, start: e.target.value }))} wrapperClassName="w-44" />
      <Input label="To" type="date" value={draft.end} onChange={(e) => setDraft((d) => ({ ...d, end: e.target.value }))} wrapperClassName="w-44" />
      <Button type="submit" variant={submitVariant}>
        {submitLabel}
      </Button>
      {after}
      {problem && (
        <p role="alert" className="w-full text-sm font-medium text-red-600">
          {problem}
        </p>
      )}
    </form>
  );
}
