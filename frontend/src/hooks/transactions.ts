import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";
import type { StatusChangeBody, TransactionCreateBody, TransactionQuery } from "@/lib/types";
import { materialKeys } from "./materials";

export const transactionKeys = {
  all: ["transactions"] as const,
  list: (q: TransactionQuery) => ["transactions", "list", q] as const,
  detail: (id: string) => ["transactions", "detail", id] as const,
};

export function useTransactions(query: TransactionQuery, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: transactionKeys.list(query),
    queryFn: () => call(() => api.GET("/api/transactions", { params: { query } })),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useTransaction(id: string | undefined) {
  return useQuery({
    queryKey: transactionKeys.detail(id ?? ""),
    queryFn: () => call(() => api.GET("/api/transactions/{transaction_id}", { params: { path: { transaction_id: id! } } })),
    enabled: Boolean(id),
  });
}

export function useCreateTransaction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TransactionCreateBody) => call(() => api.POST("/api/transactions", { body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: transactionKeys.all });
      void qc.invalidateQueries({ queryKey: materialKeys.all });
    },
  });
}

export function useChangeTransactionStatus(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: StatusChangeBody) => call(() => api.POST("/api/transactions/{transaction_id}/status", { params: { path: { transaction_id: id } }, body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: transactionKeys.all });
      void qc.invalidateQueries({ queryKey: materialKeys.all });
    },
  });
}
