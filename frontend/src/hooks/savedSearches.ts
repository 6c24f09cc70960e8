import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import type { components } from "@/api/schema";
import { call } from "@/lib/api";

/** The search parameters a saved search keeps (the page and its size are not kept). */
export type SavedQuery = Omit<components["schemas"]["SavedQuery"], "page" | "limit" | "verified_only" | "sample_available"> &
  Partial<Pick<components["schemas"]["SavedQuery"], "verified_only" | "sample_available">>;

const KEY = ["saved-searches"] as const;

export function useSavedSearches(enabled = true) {
  return useQuery({
    queryKey: KEY,
    queryFn: () => call(() => api.GET("/api/saved-searches", { params: { query: { limit: 100 } } })),
    enabled,
  });
}

export function useSaveSearch() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; query: SavedQuery; alert: boolean }) =>
      // The API fills in what is left out (page 1, the default page size, no flag filters).
      call(() => api.POST("/api/saved-searches", { body: body as components["schemas"]["SavedSearchCreate"] })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEY }),
  });
}

export function useDeleteSavedSearch() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(() => api.DELETE("/api/saved-searches/{saved_search_id}", { params: { path: { saved_search_id: id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEY }),
  });
}

/** What a search saves: its filters, not the page it was on. */
export function savedQueryOf(query: SavedQuery & { page?: number; limit?: number }): SavedQuery {
  const rest = { ...query };
  delete rest.page;
  delete rest.limit;
  return rest;
}

/** The saved query as the search page's URL (the search page reads these names). */
export function searchPathOf(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") params.append(key, String(v));
    }
  }
  const qs = params.toString();
  return qs ? `/materials?${qs}` : "/materials";
}
