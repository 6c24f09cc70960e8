import { Suspense, useEffect, useRef } from "react";
import { Link, Outlet, useLocation } from "react-router";
import { PageSkeleton } from "@/components/ui";
import { useLiveEvents } from "@/hooks/events";
import { Header } from "./Header";

export function AppLayout() {
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useLiveEvents();
  // After a navigation, move focus into the new page unless something already has it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const active = document.activeElement;
    if (!active || active === document.body) main.current?.focus({ preventScroll: true });
  }, [pathname]);
  return (
    <div className="flex min-h-dvh flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:shadow">
        Skip to content
      </a>
      <Header />
      {/* At least a window high below the header: the footer starts out of sight, so a page
          growing as its data arrives does not push it (a layout shift) across the screen. */}
      <main id="main" ref={main} tabIndex={-1} className="mx-auto min-h-[calc(100dvh-4rem)] w-full max-w-7xl flex-1 px-4 py-8 outline-none sm:px-6">
        <Suspense fallback={<PageSkeleton />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="border-t border-stone-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-6 text-sm text-stone-500 sm:px-6">
          <p>© {new Date().getFullYear()} FabricLoop — circular textiles, traceable by design.</p>
          <nav aria-label="Footer" className="flex gap-4">
            <Link to="/materials" className="hover:text-stone-800">
              Browse materials
            </Link>
            <a href="/api/docs" className="hover:text-stone-800">
              API
            </a>
          </nav>
        </div>
      </footer>
    </div>
  );
}
