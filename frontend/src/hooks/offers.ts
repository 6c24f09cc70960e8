import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";
import type { OfferAcceptBody, OfferCounterBody, OfferCreateBody, OfferQuery } from "@/lib/types";
import { materialKeys } from "./materials";
import { transactionKeys } from "./transactions";

export const offerKeys = {
  all: ["offers"] as const,
  list: (q: OfferQuery) => ["offers", "list", q] as const,
  detail: (id: string) => ["offers", "detail", id] as const,
};

export function useOffers(query: OfferQuery) {
  return useQuery({
    queryKey: offerKeys.list(query),
    queryFn: () => call(() => api.GET("/api/offers", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useOffer(id: string | undefined) {
  return useQuery({
    queryKey: offerKeys.detail(id ?? ""),
    queryFn: () => call(() => api.GET("/api/offers/{offer_id}", { params: { path: { offer_id: id! } } })),
    enabled: Boolean(id),
  });
}

export function useCreateOffer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: OfferCreateBody) => call(() => api.POST("/api/offers", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: offerKeys.all }),
  });
}

type OfferAction = { kind: "counter"; body: OfferCounterBody } | { kind: "accept"; body: OfferAcceptBody } | { kind: "decline" } | { kind: "withdraw" };

/** Counter, accept, decline or withdraw an offer; an acceptance also reserves stock. */
export function useOfferAction(id: string) {
  const qc = useQueryClient();
  const path = { params: { path: { offer_id: id } } };
  return useMutation({
    mutationFn: (action: OfferAction) => {
      switch (action.kind) {
        case "counter":
          return call(() => api.POST("/api/offers/{offer_id}/counter", { ...path, body: action.body }));
        case "accept":
          return call(() => api.POST("/api/offers/{offer_id}/accept", { ...path, body: action.body }));
        case "decline":
          return call(() => api.POST("/api/offers/{offer_id}/decline", path));
        case "withdraw":
          return call(() => api.POST("/api/offers/{offer_id}/withdraw", path));
      }
    },
    onSuccess: (offer) => {
      qc.setQueryData(offerKeys.detail(id), offer);
      void qc.invalidateQueries({ queryKey: offerKeys.all });
      void qc.invalidateQueries({ queryKey: transactionKeys.all });
      void qc.invalidateQueries({ queryKey: materialKeys.all });
    },
  });
}
