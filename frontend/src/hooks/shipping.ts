import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";
import type { ShippingProfileBody } from "@/lib/types";

export const shippingKeys = {
  profile: ["shipping", "profile"] as const,
  quote: (materialId: string, country: string, quantity: string, pickup: boolean) => ["shipping", "quote", materialId, country, quantity, pickup] as const,
};

/** The seller's own profile; null until one is saved (404). */
export function useShippingProfile() {
  return useQuery({
    queryKey: shippingKeys.profile,
    queryFn: async () => {
      const result = await api.GET("/api/account/shipping-profile");
      if (result.response.status === 404) return null;
      return call(() => Promise.resolve(result));
    },
  });
}

export function useSaveShippingProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ShippingProfileBody) => call(() => api.PUT("/api/account/shipping-profile", { body })),
    onSuccess: (data) => {
      qc.setQueryData(shippingKeys.profile, data);
      void qc.invalidateQueries({ queryKey: ["shipping", "quote"] });
    },
  });
}

/** What delivery of `quantity` to `country` costs; idle until both are known. */
export function useShippingQuote(materialId: string, country: string, quantity: number | null, pickup = false) {
  const q = quantity === null ? "" : String(quantity);
  return useQuery({
    queryKey: shippingKeys.quote(materialId, country, q, pickup),
    queryFn: () =>
      call(() =>
        api.GET("/api/materials/{material_id}/shipping-quote", {
          params: { path: { material_id: materialId }, query: { country, quantity: q, pickup } },
        }),
      ),
    enabled: Boolean(materialId && country && quantity !== null && quantity > 0),
    placeholderData: keepPreviousData,
    retry: false,
  });
}
