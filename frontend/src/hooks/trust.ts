import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";
import { ApiError } from "@/lib/errors";
import type { CertificateBody, CompanyBody, DocumentUploaded, ReportBody } from "@/lib/types";
import { uploadFile } from "./images";

export const trustKeys = {
  certificates: ["certificates"] as const,
  company: ["account", "company"] as const,
};

/** The seller's own certificates (GET /api/certificates). */
export function useMyCertificates(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: trustKeys.certificates,
    queryFn: () => call(() => api.GET("/api/certificates", { params: { query: { limit: 100 } } })),
    enabled: options.enabled ?? true,
  });
}

/** Upload the evidence (POST /api/documents), then submit the certificate for review. */
export function useSubmitCertificate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ file, body, onProgress }: { file: File; body: Omit<CertificateBody, "document_id">; onProgress?: (f: number) => void }) => {
      const doc = await uploadFile<DocumentUploaded>("/api/documents", file, onProgress);
      return call(() => api.POST("/api/certificates", { body: { ...body, document_id: doc.document_id } }));
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: trustKeys.certificates }),
  });
}

/** PUT /api/account/company: the legal details the operator verifies. */
export function useSaveCompany() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CompanyBody) => call(() => api.PUT("/api/account/company", { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: trustKeys.company }),
  });
}

/** POST /api/materials/{id}/reports: a signed-in user flags a listing for the operator. */
export function useReportListing(materialId: string) {
  return useMutation({
    mutationFn: (body: ReportBody) => call(() => api.POST("/api/materials/{material_id}/reports", { params: { path: { material_id: materialId } }, body })),
  });
}

/** GET /api/account/company: the saved details with their verification, or null before any. */
export function useCompany() {
  return useQuery({
    queryKey: trustKeys.company,
    queryFn: async () => {
      try {
        return await call(() => api.GET("/api/account/company"));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
}
