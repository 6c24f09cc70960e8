import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";
import type { MaterialCreateBody, MaterialQuery, MaterialUpdateBody } from "@/lib/types";

export const materialKeys = {
  all: ["materials"] as const,
  types: () => ["materials", "types"] as const,
  search: (q: MaterialQuery) => ["materials", "search", q] as const,
  detail: (id: string) => ["materials", "detail", id] as const,
};

export function useMaterialTypes() {
  return useQuery({
    queryKey: materialKeys.types(),
    queryFn: () => call(() => api.GET("/api/materials/types")),
    staleTime: Infinity,
  });
}

export function useMaterialSearch(query: MaterialQuery, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: materialKeys.search(query),
    queryFn: () => call(() => api.GET("/api/materials", { params: { query } })),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useMaterial(id: string | undefined) {
  return useQuery({
    queryKey: materialKeys.detail(id ?? ""),
    queryFn: () => call(() => api.GET("/api/materials/{material_id}", { params: { path: { material_id: id! } } })),
    enabled: Boolean(id),
  });
}

export function useCreateMaterial() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MaterialCreateBody) => call(() => api.POST("/api/materials", { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: materialKeys.all }),
  });
}

export function useUpdateMaterial(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MaterialUpdateBody) => call(() => api.PUT("/api/materials/{material_id}", { params: { path: { material_id: id } }, body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: materialKeys.all });
      void qc.invalidateQueries({ queryKey: ["passports", id] });
    },
  });
}

export function useDeleteMaterial() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(() => api.DELETE("/api/materials/{material_id}", { params: { path: { material_id: id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: materialKeys.all }),
  });
}

/** The reference exchange rates search converts prices with (none before an import). */
export function useFxRates() {
  return useQuery({
    queryKey: ["fx-rates"],
    queryFn: () => call(() => api.GET("/api/fx-rates")),
    staleTime: 60 * 60 * 1000,
  });
}
