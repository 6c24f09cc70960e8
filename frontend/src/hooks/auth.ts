import { useMutation } from "@tanstack/react-query";
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
    mutationFn: async () => {
      try {
        await api.POST("/api/auth/logout", { body: {}, credentials: "include" });
      } finally {
        endSession();
      }
    },
  });
}
