import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call, requestJson } from "@/lib/api";
import type { AdminCertificateList, AdminUserDetail, AdminUserList, AdminUserQuery, CertificateStatus, DisputeList, PlatformStats, ReportQueue, ReportQuery, ResolveBody } from "@/lib/trustTypes";
import type { AuditQuery } from "@/lib/types";
import { materialKeys } from "./materials";
import { transactionKeys } from "./transactions";

export const adminKeys = {
  all: ["admin"] as const,
  audit: (q: AuditQuery) => ["admin", "audit", q] as const,
  certificates: (status: CertificateStatus | "", page: number) => ["admin", "certificates", status, page] as const,
};

const enc = encodeURIComponent;

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
    queryFn: () => requestJson<AdminCertificateList>("GET", "/api/admin/certificates", { query: { status: status || undefined, page, limit: 20 } }),
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
      requestJson<unknown>("POST", `/api/admin/certificates/${enc(id)}/${decision}`, decision === "reject" ? { body: { reason } } : {}),
    onSuccess: done,
  });
}

export function useDisputeQueue(status: "open" | "resolved" | "", page = 1) {
  return useQuery({
    queryKey: ["admin", "disputes", status, page] as const,
    queryFn: () => requestJson<DisputeList>("GET", "/api/admin/disputes", { query: { status: status || undefined, page, limit: 20 } }),
    placeholderData: keepPreviousData,
  });
}

/** A dispute with its thread (GET /api/disputes/{id}, open to operators). */
export function useDispute(id: string | undefined) {
  return useQuery({
    queryKey: ["admin", "dispute", id] as const,
    queryFn: () => call(() => api.GET("/api/disputes/{dispute_id}", { params: { path: { dispute_id: id! } } })),
    enabled: Boolean(id),
  });
}

export function useResolveDispute(id: string) {
  const done = useAfterAction();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ResolveBody) => requestJson<unknown>("POST", `/api/admin/disputes/${enc(id)}/resolve`, { body }),
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
    queryFn: () => requestJson<AdminUserList>("GET", "/api/admin/users", { query: { ...query } }),
    placeholderData: keepPreviousData,
  });
}

export function useAdminUser(id: string | undefined) {
  return useQuery({
    queryKey: ["admin", "user", id] as const,
    queryFn: () => requestJson<AdminUserDetail>("GET", `/api/admin/users/${enc(id!)}`),
    enabled: Boolean(id),
  });
}

/** verify / unverify / suspend {reason} / unsuspend a user. */
export function useUserAction(id: string) {
  const done = useAfterAction();
  return useMutation({
    mutationFn: ({ action, reason }: { action: "verify" | "unverify" | "suspend" | "unsuspend"; reason?: string }) =>
      requestJson<unknown>("POST", `/api/admin/users/${enc(id)}/${action}`, action === "suspend" ? { body: { reason } } : {}),
    onSuccess: done,
  });
}

export function useReportQueue(query: ReportQuery) {
  return useQuery({
    queryKey: ["admin", "reports", query] as const,
    queryFn: () => requestJson<ReportQueue>("GET", "/api/admin/reports", { query: { ...query } }),
    placeholderData: keepPreviousData,
  });
}

export function useDismissReport() {
  const done = useAfterAction();
  return useMutation({
    mutationFn: (reportId: string) => requestJson<unknown>("POST", `/api/admin/reports/${enc(reportId)}/dismiss`),
    onSuccess: done,
  });
}

/** hide {reason} / unhide a listing. */
export function useListingModeration(materialId: string) {
  const done = useAfterAction();
  return useMutation({
    mutationFn: ({ action, reason }: { action: "hide" | "unhide"; reason?: string }) =>
      requestJson<unknown>("POST", `/api/admin/materials/${enc(materialId)}/${action}`, action === "hide" ? { body: { reason } } : {}),
    onSuccess: done,
  });
}

export function usePlatformStats(range: { start_date?: string; end_date?: string }) {
  return useQuery({
    queryKey: ["admin", "stats", range] as const,
    queryFn: () => requestJson<PlatformStats>("GET", "/api/admin/stats", { query: range }),
    placeholderData: keepPreviousData,
  });
}
