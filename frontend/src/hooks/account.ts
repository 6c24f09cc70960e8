import { useMutation } from "@tanstack/react-query";
import { api } from "@/api/client";
import { useAuth } from "@/components/auth/auth-context";
import { call } from "@/lib/api";
import { downloadWithAuth } from "@/lib/download";

export function useExportAccountData() {
  return useMutation({
    mutationFn: () => downloadWithAuth("/api/auth/export", "fabricloop-export.json"),
  });
}

/** DELETE /api/auth/delete. The caller leaves the protected page, then ends the session. */
export function useDeleteAccount() {
  return useMutation({
    mutationFn: () => call(() => api.DELETE("/api/auth/delete")),
  });
}

/** PATCH /api/auth/me: only the fields sent change; `phone: null` removes it. Reloads the profile after. */
export function useUpdateProfile() {
  const { reloadUser } = useAuth();
  return useMutation({
    mutationFn: async (body: { company_name?: string; phone?: string | null }) => {
      const me = await call(() => api.PATCH("/api/auth/me", { body }));
      await reloadUser();
      return me;
    },
  });
}

/**
 * PUT /api/auth/password. Every other session of the account ends; this device keeps signed in
 * with the new pair (the access token in memory, the refresh token in the httpOnly cookie), as at login.
 */
export function useChangePassword() {
  const { startSession } = useAuth();
  return useMutation({
    mutationFn: async (body: { current_password: string; new_password: string }) => {
      const pair = await call(() => api.PUT("/api/auth/password", { body, credentials: "include" }));
      return startSession(pair.token);
    },
  });
}
