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

export function useDeleteAccount() {
  const { endSession } = useAuth();
  return useMutation({
    mutationFn: () => call(() => api.DELETE("/api/auth/delete")),
    onSuccess: () => endSession(),
  });
}
