/** Pure rules of the operator and trust pages: reasons, refunds, date ranges, certificates. */
import type { DisputeOutcome, ReportReason } from "./types";
import { parseDecimal, type Errors } from "./validation";

/** A certificate's rejection reason: 1-500 characters. */
export const REASON_MAX = 500;
/** A suspension's or a hidden listing's reason: 1-1000 characters. */
export const MODERATION_REASON_MAX = 1000;
export const REPORT_DETAILS_MAX = 5000;

/** A reason the operator gives (told to the user and kept in the audit log): 1-500 characters. */
export function validateReason(v: string, max = REASON_MAX): string | null {
  if (!v.trim()) return "Give a reason.";
  if (v.length > max) return `At most ${max} characters.`;
  return null;
}

export const REPORT_REASONS: Array<{ value: ReportReason; label: string; hint: string }> = [
  { value: "counterfeit_claim", label: "Counterfeit claim", hint: "A certification or brand it claims is not genuine." },
  { value: "misleading_metrics", label: "Misleading metrics", hint: "Impact figures, composition or quantities look wrong." },
  { value: "prohibited", label: "Prohibited item", hint: "Something that may not be sold here." },
  { value: "other", label: "Something else", hint: "Tell us what is wrong." },
];

export function reportReasonLabel(v: string): string {
  return REPORT_REASONS.find((r) => r.value === v)?.label ?? v;
}

export const OUTCOMES: Array<{ value: DisputeOutcome; label: string; hint: string }> = [
  { value: "refund_full", label: "Full refund", hint: "The buyer gets back all that is left to refund; the seller is paid nothing more." },
  { value: "refund_partial", label: "Partial refund", hint: "The buyer gets back the amount you set; the seller is paid the rest." },
  { value: "release", label: "Release to the seller", hint: "No refund; the held payout goes to the seller." },
];

export function outcomeLabel(v: string | null | undefined): string {
  return OUTCOMES.find((o) => o.value === v)?.label ?? "—";
}

/**
 * The amount of a partial refund as typed: more than 0, at most 2 decimals, and less than what
 * is left to refund (all of it is a full refund). Returns [amount, error].
 */
export function parsePartialRefund(typed: string, refundable: number, locale?: string): [number | null, string | null] {
  const [n, err] = parseDecimal(typed, { decimals: 2, min: 0, exclusiveMin: true, label: "Amount", required: true, locale });
  if (err || n === null) return [null, err];
  const cents = Math.round(refundable * 100);
  if (Math.round(n * 100) >= cents) return [null, cents > 0 ? "A partial refund is less than what is left to refund; choose a full refund for all of it." : "Nothing is left to refund."];
  return [n, null];
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The last `days` days up to and including `today` (UTC dates). */
export function lastDays(days: number, today: Date = new Date()): { start: string; end: string } {
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (days - 1)));
  return { start: isoDate(start), end: isoDate(today) };
}

/** A date range as typed in two date inputs: both optional, well-formed, start <= end. */
export function validateDateRange(start: string, end: string): string | null {
  if ((start && !DATE_RE.test(start)) || (end && !DATE_RE.test(end))) return "Use dates as YYYY-MM-DD.";
  if (start && end && start > end) return "The start date must be on or before the end date.";
  return null;
}

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
export const DOCUMENT_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/webp"];

/** The certificate's evidence before upload: a PDF or image of at most 10 MB. */
export function checkDocumentFile(file: { name: string; type: string; size: number }): string | null {
  if (!DOCUMENT_TYPES.includes(file.type)) return `${file.name}: upload a PDF, or a JPEG, PNG or WebP image.`;
  if (file.size > MAX_DOCUMENT_BYTES) return `${file.name}: larger than 10 MB.`;
  if (file.size === 0) return `${file.name}: the file is empty.`;
  return null;
}

export interface CertificateForm {
  scheme: string;
  certificate_number: string;
  issuing_body: string;
  valid_from: string;
  valid_until: string;
  file: { name: string; type: string; size: number } | null;
}

export function emptyCertificateForm(): CertificateForm {
  return { scheme: "", certificate_number: "", issuing_body: "", valid_from: "", valid_until: "", file: null };
}

/** Field errors of the certificate form, keyed as the API names its fields ("document_id" for the file). */
export function validateCertificateForm(f: CertificateForm): Errors {
  const e: Errors = {};
  if (!f.scheme) e.scheme = "Choose the scheme.";
  if (!f.certificate_number.trim()) e.certificate_number = "Certificate number is required.";
  else if (f.certificate_number.length > 100) e.certificate_number = "At most 100 characters.";
  if (!f.issuing_body.trim()) e.issuing_body = "Issuing body is required.";
  else if (f.issuing_body.length > 200) e.issuing_body = "At most 200 characters.";
  if (!DATE_RE.test(f.valid_from)) e.valid_from = "Valid from is required.";
  if (!DATE_RE.test(f.valid_until)) e.valid_until = "Valid until is required.";
  else if (DATE_RE.test(f.valid_from) && f.valid_until < f.valid_from) e.valid_until = "Valid until must be on or after valid from.";
  if (!f.file) e.document_id = "Attach the certificate (PDF or image).";
  else {
    const problem = checkDocumentFile(f.file);
    if (problem) e.document_id = problem;
  }
  return e;
}

/** The certificates a listing may reference: any not rejected (a pending one verifies once approved). */
export function referencable<C extends { status: string }>(certificates: C[]): C[] {
  return certificates.filter((c) => c.status !== "rejected");
}

/** A listing's certification row that references a certificate on file. */
export function referenceRow(c: { certificate_id: string; scheme: string; valid_until: string }): { scheme: string; certificate_id: string; valid_until: string } {
  return { scheme: c.scheme, certificate_id: c.certificate_id, valid_until: c.valid_until };
}

const ORDER_FLOW = ["pending", "paid", "shipped", "completed", "cancelled"];

/** Orders by status as chart rows, in the order's life-cycle order (unknown statuses last, by name). */
export function statusRows(byStatus: Record<string, number>): Array<{ status: string; orders: number }> {
  const rank = (s: string) => (ORDER_FLOW.includes(s) ? ORDER_FLOW.indexOf(s) : ORDER_FLOW.length);
  return Object.entries(byStatus)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([status, orders]) => ({ status, orders }));
}

/** Rows of a count-by-key object, largest first, for a bar chart or table. */
export function countRows(counts: Record<string, number>): Array<{ key: string; count: number }> {
  return Object.entries(counts)
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}
