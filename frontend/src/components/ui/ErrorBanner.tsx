import type { ReactNode } from "react";
import { ApiError, errorMessage } from "@/lib/errors";
import { cx } from "./cx";

interface Props {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  className?: string;
}

/** A clear, accessible error box for a failed request; shows the request id of a server error for support. */
export function ErrorBanner({ error, title = "Something went wrong", onRetry, className }: Props) {
  if (!error) return null;
  // The reference helps support trace a server fault; for an ordinary mistake (4xx) it is noise.
  const requestId = error instanceof ApiError && error.status >= 500 ? error.requestId : null;
  return (
    <div role="alert" className={cx("rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800", className)}>
      <div className="flex items-start gap-3">
        <svg viewBox="0 0 20 20" className="mt-0.5 size-5 shrink-0 text-red-500" fill="currentColor" aria-hidden="true">
          <path
            fillRule="evenodd"
            d="M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
            clipRule="evenodd"
          />
        </svg>
        <div className="min-w-0 flex-1">
          <p className="font-semibold">{title}</p>
          <p className="mt-0.5 break-words">{errorMessage(error)}</p>
          {requestId && <p className="mt-1 text-xs text-red-700">Reference: {requestId}</p>}
        </div>
        {onRetry && (
          <button type="button" onClick={onRetry} className="shrink-0 rounded-md px-2 py-1 font-medium text-red-800 underline-offset-2 hover:underline">
            Retry
          </button>
        )}
      </div>
    </div>
  );
}

export function SuccessBanner({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <div role="status" className={cx("rounded-xl border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-800", className)}>
      {children}
    </div>
  );
}
