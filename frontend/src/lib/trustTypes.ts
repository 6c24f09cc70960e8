/**
 * Operator and trust: the shapes of the admin, company, certificate and report routes.
 * Written from the HTTP contract while the backend lands; replaced by schema-derived aliases
 * (lib/types.ts) once `make openapi` carries them.
 */
import type { Dispute } from "./types";

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

export interface CompanyBody {
  legal_name: string;
  registration_number: string;
  vat_number?: string | null;
  country: string;
  address: string;
}
export interface Company extends CompanyBody {
  user_id: string;
  vat_number: string | null;
  verified: boolean;
  verified_at: string | null;
  updated_at: string;
}

export type Role = "manufacturer" | "brand" | "admin";
export interface AdminUserSummary {
  user_id: string;
  email: string;
  company_name: string;
  role: Role;
  verified: boolean;
  suspended: boolean;
  has_company_details: boolean;
  created_at: string;
}
export interface AdminUserList extends Page {
  users: AdminUserSummary[];
}
export interface AdminUserQuery {
  q?: string;
  role?: Role;
  verified?: boolean;
  suspended?: boolean;
  has_company_details?: boolean;
  page?: number;
  limit?: number;
}
export interface AdminUserDetail extends AdminUserSummary {
  phone: string | null;
  verified_at: string | null;
  suspended_at: string | null;
  suspension_reason: string | null;
  deleted_at: string | null;
  company: Company | null;
  listings: number;
  orders_as_buyer: number;
  orders_as_seller: number;
  open_reports: number;
}

export type ReportStatus = "open" | "actioned" | "dismissed";
export interface ListingReport {
  report_id: string;
  reason: ReportReason;
  details: string;
  status: ReportStatus;
  material: { material_id: string; title: string; status: string; hidden_reason: string | null; seller: { user_id: string; company_name: string; verified: boolean } };
  reporter: { user_id: string; company_name: string };
  created_at: string;
  resolved_at: string | null;
  resolution: string | null;
}
export interface ReportQueue extends Page {
  reports: ListingReport[];
}
export interface ReportQuery {
  status?: ReportStatus;
  reason?: ReportReason;
  material_id?: string;
  page?: number;
  limit?: number;
}

export interface PlatformStats {
  start_date: string;
  end_date: string;
  by_currency: Array<{ currency: string; orders: number; gmv: number; refunded: number; platform_fees: number }>;
  orders_by_status: Record<string, number>;
  disputes: { open: number; opened: number; resolved: number };
  new_accounts: { total: number; by_role: Record<string, number> };
  impact: { purchases: number; quantity_kg: number; carbon_saved: number; water_saved: number };
}

export type ReportReason = "counterfeit_claim" | "misleading_metrics" | "prohibited" | "other";
export interface ReportBody {
  reason: ReportReason;
  details: string;
}

export type DisputeOutcome = "refund_full" | "refund_partial" | "release";
export interface ResolveBody {
  outcome: DisputeOutcome;
  amount?: number;
}

export interface DisputeList extends Page {
  disputes: Dispute[];
}
