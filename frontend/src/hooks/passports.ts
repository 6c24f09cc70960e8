import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";
import type { MetricsBody } from "@/lib/types";
import { materialKeys } from "./materials";

export const passportKeys = {
  detail: (materialId: string) => ["passports", materialId] as const,
};

export function usePassport(materialId: string | undefined) {
  return useQuery({
    queryKey: passportKeys.detail(materialId ?? ""),
    queryFn: () => call(() => api.GET("/api/passports/{material_id}", { params: { path: { material_id: materialId! } } })),
    enabled: Boolean(materialId),
  });
}

export function passportQrUrl(materialId: string): string {
  return `/api/passports/${encodeURIComponent(materialId)}/qr.svg`;
}

export function passportJsonUrl(materialId: string): string {
  return `/api/passports/${encodeURIComponent(materialId)}/untp.json`;
}

export function useAddMetrics(materialId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MetricsBody) => call(() => api.POST("/api/passports/{material_id}/metrics", { params: { path: { material_id: materialId } }, body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: passportKeys.detail(materialId) });
      void qc.invalidateQueries({ queryKey: materialKeys.detail(materialId) });
    },
  });
}
