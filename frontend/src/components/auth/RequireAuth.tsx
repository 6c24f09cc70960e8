import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { PageSkeleton } from "@/components/ui";
import { useAuth } from "./auth-context";

/** Render children for signed-in users; send others to /login and back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, notice } = useAuth();
  const location = useLocation();
  if (status === "loading") return <PageSkeleton label="Restoring your session" />;
  // Signed out on purpose (logout, deletion): to the sign-in page with the notice, not back here.
  if (status === "anonymous" && notice) return <Navigate to="/login" replace state={{ notice }} />;
  if (status === "anonymous") {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** Only allow local paths as a post-login destination (no open redirects). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//")) return "/dashboard";
  if (next.startsWith("/login") || next.startsWith("/register")) return "/dashboard";
  return next;
}
