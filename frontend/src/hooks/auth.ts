import { useMutation } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { api } from "@/api/client";
import { useAuth } from "@/components/auth/auth-context";
import { call } from "@/lib/api";
import type { LoginBody, RegisterBody } from "@/lib/types";

export { useAuth } from "@/components/auth/auth-context";

export function useLogin() {
  const { startSession } = useAuth();
  return useMutation({
    mutationFn: async (body: LoginBody) => {
      const pair = await call(() => api.POST("/api/auth/login", { body, credentials: "include" }));
      return startSession(pair.token);
    },
  });
}

export function useRegister() {
  const { startSession } = useAuth();
  return useMutation({
    mutationFn: async (body: RegisterBody) => {
      await call(() => api.POST("/api/auth/register", { body }));
      const pair = await call(() => api.POST("/api/auth/login", { body: { email: body.email, password: body.password }, credentials: "include" }));
      return startSession(pair.token);
    },
  });
}

export function useLogout() {
  const { endSession } = useAuth();
  return useMutation({
    mutationFn: async (notice?: string) => {
      try {
        await api.POST("/api/auth/logout", { body: {}, credentials: "include" });
      } finally {
        endSession(notice);
      }
    },
  });
}

export const SIGNED_OUT_NOTICE = "You have signed out. Sign in again below.";

/** Log out, then land on the sign-in page with a notice that says so. */
export function useSignOut() {
  const logout = useLogout();
  const navigate = useNavigate();
  const signOut = () => logout.mutate(SIGNED_OUT_NOTICE, { onSettled: () => navigate("/login", { replace: true, state: { notice: SIGNED_OUT_NOTICE } }) });
  return { signOut, pending: logout.isPending };
}
