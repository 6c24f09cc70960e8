import { useMutation } from "@tanstack/react-query";
import { api } from "@/api/client";
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
