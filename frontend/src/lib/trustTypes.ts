/**
 * Operator and trust: the shapes of the admin, company, certificate and report routes.
 * Written from the HTTP contract while the backend lands; replaced by schema-derived aliases
 * (lib/types.ts) once `make openapi` carries them.
 */

export type {
  AdminUserDetail,
  AdminUserList,
  AdminUserQuery,
  AdminUserSummary,
  Company,
  CompanyBody,
  ListingReport,
  PlatformStats,
  ReportBody,
  ReportQuery,
  ReportQueue,
  ReportReason,
  ReportStatus,
} from "./types";

export interface Page {
  total: number;
  page: number;
  limit: number;
}

export type CertificateStatus = "pending" | "approved" | "rejected" | "expired";
export interface DocumentRef {
  document_id: string;
  content_type: string;
  filename: string | null;
  download_url: string;
}
export interface DocumentUploaded extends DocumentRef {
  size_bytes: number;
  page_count: number | null;
  created_at: string;
}
export interface Certificate {
  certificate_id: string;
  scheme: string;
  certificate_number: string;
  issuing_body: string;
  valid_from: string;
  valid_until: string;
  document: DocumentRef;
  status: CertificateStatus;
  verified: boolean;
  rejection_reason: string | null;
  reviewed_at: string | null;
  created_at: string;
  updated_at: string;
}
export interface CertificateList extends Page {
  certificates: Certificate[];
}
export interface AdminCertificate extends Certificate {
  holder: { user_id: string; company_name: string; email: string };
}
export interface AdminCertificateList extends Page {
  certificates: AdminCertificate[];
}
export interface CertificateBody {
  scheme: string;
  certificate_number: string;
  issuing_body: string;
  valid_from: string;
  valid_until: string;
  document_id: string;
}

export type DisputeOutcome = "refund_full" | "refund_partial" | "release";
export interface ResolveBody {
  outcome: DisputeOutcome;
  amount?: number;
}
