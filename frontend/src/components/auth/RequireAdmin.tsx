import type { ReactNode } from "react";
import ForbiddenPage from "@/pages/ForbiddenPage";
import { RequireAuth } from "./RequireAuth";
import { isAdmin, useAuth } from "./auth-context";

/** The operator area: signed-in admins only; anyone else signed in gets the forbidden page. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  return (
    <RequireAuth>
      <AdminOnly>{children}</AdminOnly>
    </RequireAuth>
  );
}

function AdminOnly({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  return isAdmin(user) ? <>{children}</> : <ForbiddenPage />;
}
