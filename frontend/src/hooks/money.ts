import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";
import type { DisputeBody, RefundBody } from "@/lib/types";
import { materialKeys } from "./materials";
import { transactionKeys } from "./transactions";

export const moneyKeys = {
  account: ["payouts", "account"] as const,
  payouts: (page: number) => ["payouts", "list", page] as const,
  refunds: (txId: string) => ["transactions", "refunds", txId] as const,
  disputes: (txId: string) => ["transactions", "disputes", txId] as const,
  dispute: (id: string) => ["disputes", id] as const,
};

export function usePayoutAccount() {
  return useQuery({ queryKey: moneyKeys.account, queryFn: () => call(() => api.GET("/api/payouts/account")) });
}

export function useStartOnboarding() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call(() => api.POST("/api/payouts/account")),
    onSuccess: () => void qc.invalidateQueries({ queryKey: moneyKeys.account }),
  });
}

export function usePayouts(page: number) {
  return useQuery({
    queryKey: moneyKeys.payouts(page),
    queryFn: () => call(() => api.GET("/api/payouts", { params: { query: { page, limit: 20 } } })),
    placeholderData: keepPreviousData,
  });
}

export function useRefunds(txId: string, enabled = true) {
  return useQuery({
    queryKey: moneyKeys.refunds(txId),
    queryFn: () => call(() => api.GET("/api/transactions/{transaction_id}/refunds", { params: { path: { transaction_id: txId } } })),
    enabled,
  });
}

export function useRefund(txId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RefundBody) => call(() => api.POST("/api/transactions/{transaction_id}/refunds", { params: { path: { transaction_id: txId } }, body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: transactionKeys.all });
      void qc.invalidateQueries({ queryKey: materialKeys.all });
    },
  });
}

export function useTransactionDisputes(txId: string, enabled = true) {
  return useQuery({
    queryKey: moneyKeys.disputes(txId),
    queryFn: () => call(() => api.GET("/api/transactions/{transaction_id}/disputes", { params: { path: { transaction_id: txId } } })),
    enabled,
  });
}

export function useOpenDispute(txId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: DisputeBody) => call(() => api.POST("/api/transactions/{transaction_id}/disputes", { params: { path: { transaction_id: txId } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: transactionKeys.all }),
  });
}

export function useDispute(id: string | undefined) {
  return useQuery({
    queryKey: moneyKeys.dispute(id ?? ""),
    queryFn: () => call(() => api.GET("/api/disputes/{dispute_id}", { params: { path: { dispute_id: id! } } })),
    enabled: Boolean(id),
  });
}

export function useDisputeMessage(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (content: string) => call(() => api.POST("/api/disputes/{dispute_id}/messages", { params: { path: { dispute_id: id } }, body: { content } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: moneyKeys.dispute(id) }),
  });
}
