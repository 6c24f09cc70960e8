import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";
import { ApiError } from "@/lib/errors";
import type { AdminUserQuery, CertificateStatus, ReportQuery, ResolveBody } from "@/lib/types";
import type { AuditQuery } from "@/lib/types";
import { materialKeys } from "./materials";
import { transactionKeys } from "./transactions";

export const adminKeys = {
  all: ["admin"] as const,
  audit: (q: AuditQuery) => ["admin", "audit", q] as const,
  certificates: (status: CertificateStatus | "", page: number) => ["admin", "certificates", status, page] as const,
  ledger: (transactionId: string) => ["admin", "ledger", transactionId] as const,
};

/** An order's money ledger: its entries and whether they agree with the order. */
export function useOrderLedger(transactionId: string) {
  return useQuery({
    queryKey: adminKeys.ledger(transactionId),
    queryFn: () => call(() => api.GET("/api/admin/ledger", { params: { query: { transaction_id: transactionId } } })),
  });
}

export function useAuditLog(query: AuditQuery) {
  return useQuery({
    queryKey: adminKeys.audit(query),
    queryFn: () => call(() => api.GET("/api/admin/audit", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useCertificateQueue(status: CertificateStatus | "", page = 1) {
  return useQuery({
    queryKey: adminKeys.certificates(status, page),
    queryFn: () => call(() => api.GET("/api/admin/certificates", { params: { query: { status: status || undefined, page, limit: 20 } } })),
    placeholderData: keepPreviousData,
  });
}

/** After any operator action: the queues, the audit log and the listings may all have changed. */
function useAfterAction() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: adminKeys.all });
    void qc.invalidateQueries({ queryKey: materialKeys.all });
  };
}

export function useReviewCertificate() {
  const done = useAfterAction();
  return useMutation({
    mutationFn: ({ id, decision, reason }: { id: string; decision: "approve" | "reject"; reason?: string }) =>
      decision === "approve"
        ? call(() => api.POST("/api/admin/certificates/{certificate_id}/approve", { params: { path: { certificate_id: id } } }))
        : call(() => api.POST("/api/admin/certificates/{certificate_id}/reject", { params: { path: { certificate_id: id } }, body: { reason: reason ?? "" } })),
    onSuccess: done,
  });
}

export function useDisputeQueue(status: "open" | "resolved" | "", page = 1) {
  return useQuery({
    queryKey: ["admin", "disputes", status, page] as const,
    queryFn: () => call(() => api.GET("/api/admin/disputes", { params: { query: { status: status || undefined, page, limit: 20 } } })),
    placeholderData: keepPreviousData,
  });
}

/**
 * One case of the disputes console (the dispute, its thread and its order): the console lists
 * cases only, so this reads its pages (100 a page, oldest first) until it meets the id.
 */
export function useDispute(id: string | undefined) {
  return useQuery({
    queryKey: ["admin", "dispute", id] as const,
    queryFn: async () => {
      for (let page = 1; ; page++) {
        const list = await call(() => api.GET("/api/admin/disputes", { params: { query: { page, limit: 100 } } }));
        const found = list.disputes.find((d) => d.dispute_id === id);
        if (found) return found;
        if (page * list.limit >= list.total) throw new ApiError({ status: 404, code: "not_found", message: "No such dispute." });
      }
    },
    enabled: Boolean(id),
  });
}

export function useResolveDispute(id: string) {
  const done = useAfterAction();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ResolveBody) => call(() => api.POST("/api/admin/disputes/{dispute_id}/resolve", { params: { path: { dispute_id: id } }, body })),
    onSuccess: () => {
      done();
      void qc.invalidateQueries({ queryKey: transactionKeys.all });
    },
  });
}

export function useDisputeMessage(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (content: string) => call(() => api.POST("/api/disputes/{dispute_id}/messages", { params: { path: { dispute_id: id } }, body: { content } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["admin", "dispute", id] }),
  });
}

export function useAdminUsers(query: AdminUserQuery) {
  return useQuery({
    queryKey: ["admin", "users", query] as const,
    queryFn: () => call(() => api.GET("/api/admin/users", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useAdminUser(id: string | undefined) {
  return useQuery({
    queryKey: ["admin", "user", id] as const,
    queryFn: () => call(() => api.GET("/api/admin/users/{user_id}", { params: { path: { user_id: id! } } })),
    enabled: Boolean(id),
  });
}

/** verify / unverify / suspend {reason} / unsuspend a user. */
export function useUserAction(id: string) {
  const done = useAfterAction();
  return useMutation({
    mutationFn: ({ action, reason }: { action: "verify" | "unverify" | "suspend" | "unsuspend"; reason?: string }): Promise<unknown> => {
      const path = { params: { path: { user_id: id } } };
      if (action === "verify") return call(() => api.POST("/api/admin/users/{user_id}/verify", path));
      if (action === "unverify") return call(() => api.POST("/api/admin/users/{user_id}/unverify", path));
      if (action === "unsuspend") return call(() => api.POST("/api/admin/users/{user_id}/unsuspend", path));
      return call(() => api.POST("/api/admin/users/{user_id}/suspend", { ...path, body: { reason: reason ?? "" } }));
    },
    onSuccess: done,
  });
}

export function useReportQueue(query: ReportQuery) {
  return useQuery({
    queryKey: ["admin", "reports", query] as const,
    queryFn: () => call(() => api.GET("/api/admin/reports", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useDismissReport() {
  const done = useAfterAction();
  return useMutation({
    mutationFn: (reportId: string) => call(() => api.POST("/api/admin/reports/{report_id}/dismiss", { params: { path: { report_id: reportId } } })),
    onSuccess: done,
  });
}

/** hide {reason} / unhide a listing. */
export function useListingModeration(materialId: string) {
  const done = useAfterAction();
  return useMutation({
    mutationFn: ({ action, reason }: { action: "hide" | "unhide"; reason?: string }): Promise<unknown> => {
      const path = { params: { path: { material_id: materialId } } };
      if (action === "unhide") return call(() => api.POST("/api/admin/materials/{material_id}/unhide", path));
      return call(() => api.POST("/api/admin/materials/{material_id}/hide", { ...path, body: { reason: reason ?? "" } }));
    },
    onSuccess: done,
  });
}

export function usePlatformStats(range: { start_date?: string; end_date?: string }) {
  return useQuery({
    queryKey: ["admin", "stats", range] as const,
    queryFn: () => call(() => api.GET("/api/admin/stats", { params: { query: range } })),
    placeholderData: keepPreviousData,
  });
}
