import type { ReactNode } from "react";
import { cx } from "./cx";

/** A wide table's sideways-scrolling box: a named region that takes keyboard focus, so that the
 * arrow keys scroll it without a mouse (WCAG 2.1.1). */
export function ScrollRegion({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className={cx("overflow-x-auto", className)}>
      {children}
    </div>
  );
}
