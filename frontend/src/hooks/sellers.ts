import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";

export const STOREFRONT_PAGE_SIZE = 12;

/** A seller's public storefront: who they are and a page of their live listings. */
export function useStorefront(sellerId: string | undefined, page: number) {
  return useQuery({
    queryKey: ["sellers", sellerId, page] as const,
    queryFn: () =>
      call(() =>
        api.GET("/api/sellers/{seller_id}", {
          params: { path: { seller_id: sellerId ?? "" }, query: { page, limit: STOREFRONT_PAGE_SIZE } },
        }),
      ),
    enabled: Boolean(sellerId),
    placeholderData: keepPreviousData,
  });
}
