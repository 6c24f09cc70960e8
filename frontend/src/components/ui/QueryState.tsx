import type { ReactNode } from "react";
import { ApiError } from "@/lib/errors";
import { ErrorBanner } from "./ErrorBanner";
import { ListSkeleton } from "./Skeleton";

/** The part of a TanStack Query result that the four states depend on. */
export interface QueryLike<T> {
  status: "pending" | "error" | "success";
  data: T | undefined;
  error: unknown;
  refetch: () => unknown;
}

interface Props<T> {
  query: QueryLike<T>;
  /** What shows while the first response is on its way (default: a list skeleton). */
  loading?: ReactNode;
  /** The title of the error banner. */
  errorTitle?: string;
  errorClassName?: string;
  /** Shown instead of the error banner when the server answers 404. */
  notFound?: ReactNode;
  /** When it returns true, `empty` shows instead of the data. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  /** Renders the data; without it, nothing shows once the data is there (a page that renders
   * the data itself returns `<QueryState .../>` while `query.status !== "success"`). */
  children?: (data: T) => ReactNode;
}

/**
 * One place for the loading / error / empty / data states of a query: a skeleton (a list
 * unless another is passed as `loading`), an error banner with Retry, an optional 404 and empty state,
 * then the data.
 */
export function QueryState<T>({ query, loading, errorTitle, errorClassName, notFound, isEmpty, empty, children }: Props<T>) {
  if (query.status === "pending") return <>{loading ?? <ListSkeleton />}</>;
  if (query.status === "error") {
    if (notFound !== undefined && query.error instanceof ApiError && query.error.status === 404) return <>{notFound}</>;
    return <ErrorBanner error={query.error} title={errorTitle} className={errorClassName} onRetry={() => void query.refetch()} />;
  }
  const data = query.data as T;
  if (isEmpty?.(data)) return <>{empty ?? null}</>;
  return <>{children?.(data)}</>;
}
