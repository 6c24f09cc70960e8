import { isRouteErrorResponse, useRouteError } from "react-router";
import { buttonClass } from "@/components/ui";

/** Shown when rendering a route throws; keeps the user one click from a working page. */
export default function ErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : "Unknown error";
  return (
    <div className="flex min-h-dvh items-center justify-center bg-stone-50 p-6">
      <div role="alert" className="max-w-md rounded-2xl border border-stone-200 bg-white p-8 text-center shadow-sm">
        <h1 className="text-xl font-semibold text-stone-900">Something went wrong</h1>
        <p className="mt-2 text-sm text-stone-600">An unexpected error occurred while showing this page. Reloading usually helps.</p>
        <p className="mt-3 break-words rounded-lg bg-stone-100 p-2 font-mono text-xs text-stone-600">{message}</p>
        <div className="mt-6 flex justify-center gap-3">
          <button type="button" className={buttonClass("primary")} onClick={() => window.location.reload()}>
            Reload
          </button>
          <a href="/" className={buttonClass("secondary")}>
            Go home
          </a>
        </div>
      </div>
    </div>
  );
}
