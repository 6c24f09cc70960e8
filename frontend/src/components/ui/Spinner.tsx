import { cx } from "./cx";

export function Spinner({ className, label = "Loading" }: { className?: string; label?: string }) {
  return (
    <span role="status" aria-label={label} className={cx("inline-block", className)}>
      <svg className="size-5 animate-spin text-current" viewBox="0 0 24 24" fill="none" aria-hidden="true">
        <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
        <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
      </svg>
    </span>
  );
}

/** A spinner centred in a panel or list that is loading. */
export function BlockSpinner({ label = "Loading", className = "p-8" }: { label?: string; className?: string }) {
  return (
    <div className={cx("flex justify-center text-brand-700", className)}>
      <Spinner label={label} />
    </div>
  );
}
