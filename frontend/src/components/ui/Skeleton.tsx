import type { ReactNode } from "react";
import { cx } from "./cx";

/** A grey placeholder block the size of what will be there. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cx("animate-pulse rounded-lg bg-stone-200/60", className)} />;
}

/** A region of placeholders, announced once as loading (the blocks themselves are hidden). */
export function SkeletonRegion({ label = "Loading", className, children }: { label?: string; className?: string; children: ReactNode }) {
  return (
    <div role="status" aria-label={label} className={className}>
      {children}
    </div>
  );
}

/**
 * What a page shows while its code or first data is on the way: a page title and a few panels,
 * roughly where a page's own are, instead of a lone spinner.
 */
export function PageSkeleton({ label = "Loading page" }: { label?: string }) {
  return (
    <SkeletonRegion label={label}>
      <div className="mb-6 space-y-2">
        <Skeleton className="h-8 w-2/3 max-w-sm sm:h-9" />
        <Skeleton className="h-5 w-full max-w-xl" />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <Skeleton className="h-48 rounded-2xl lg:col-span-2" />
        <Skeleton className="h-48 rounded-2xl" />
        <Skeleton className="h-32 rounded-2xl lg:col-span-3" />
      </div>
    </SkeletonRegion>
  );
}

/** A list on its way (orders, offers, queues): rows the height of the list's own. */
export function ListSkeleton({ label = "Loading", rows = 4 }: { label?: string; rows?: number }) {
  return (
    <SkeletonRegion label={label} className="space-y-3">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-16 rounded-xl" />
      ))}
    </SkeletonRegion>
  );
}

/** Figures on their way (a report, statistics, an account card): a row of figures and a panel. */
export function FiguresSkeleton({ label = "Loading" }: { label?: string }) {
  return (
    <SkeletonRegion label={label} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-3">
        <Skeleton className="h-20 rounded-xl" />
        <Skeleton className="h-20 rounded-xl" />
        <Skeleton className="h-20 rounded-xl" />
      </div>
      <Skeleton className="h-40 rounded-2xl" />
    </SkeletonRegion>
  );
}
