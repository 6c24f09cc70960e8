import { createContext, useContext } from "react";
import type { Me } from "@/lib/types";

export type AuthStatus = "loading" | "authenticated" | "anonymous";

export interface AuthContextValue {
  status: AuthStatus;
  user: Me | null;
  /** Store a fresh access token and load the profile. */
  startSession: (token: string) => Promise<Me>;
  /** Forget the session locally (after logout, deletion or a failed refresh); a notice is shown on the sign-in page. */
  endSession: (notice?: string) => void;
  /** Why the session was ended on purpose, for the sign-in page the user lands on. */
  notice: string | null;
  /** Reload the profile (e.g. after an update). */
  reloadUser: () => Promise<void>;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth must be used inside <AuthProvider>");
  return ctx;
}

/** The operator's role: accounts made with `fabricloop create-admin`, never by registering. */
export function isAdmin(user: Me | null | undefined): boolean {
  return user?.role === "admin";
}
