import type { ReactNode } from "react";
import { cx } from "./cx";

export function Stat({ label, value, hint, tone = "neutral" }: { label: ReactNode; value: ReactNode; hint?: ReactNode; tone?: "neutral" | "brand" | "amber" }) {
  return (
    <div
      className={cx(
        "rounded-2xl border p-5",
        tone === "brand" && "border-brand-200 bg-brand-50",
        tone === "amber" && "border-amber-200 bg-amber-50",
        tone === "neutral" && "border-stone-200 bg-white",
      )}
    >
      <dt className="text-sm font-medium text-stone-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tracking-tight text-stone-900">{value}</dd>
      {hint && <dd className="mt-1 text-xs text-stone-600">{hint}</dd>}
    </div>
  );
}
