/** Error raised by every API call that did not succeed; mirrors the API's error body (OpenAPI `ErrorBody`). */
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: FieldError[];
  readonly requestId: string | null;
  readonly declineCode: string | null;
  readonly paymentId: string | null;
  readonly retryAfter: number | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    details?: FieldError[];
    requestId?: string | null;
    declineCode?: string | null;
    paymentId?: string | null;
    retryAfter?: number | null;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.requestId = init.requestId ?? null;
    this.declineCode = init.declineCode ?? null;
    this.paymentId = init.paymentId ?? null;
    this.retryAfter = init.retryAfter ?? null;
  }

  /** Field errors keyed by field name (the last segment of a dotted path is also indexed). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) {
      if (!d.field) continue;
      const field = d.field.replace(/^(body|query|path)\./, "");
      out[field] ??= d.message;
      const last = field.split(".").pop();
      if (last && last !== field && !/^\d+$/.test(last)) out[last] ??= d.message;
    }
    return out;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  0: "Could not reach the server. Check your connection and try again.",
  401: "Your session has expired. Please sign in again.",
  403: "You are not allowed to do this.",
  404: "Not found.",
  413: "The file is too large (5 MB at most).",
  415: "Unsupported file type. Use JPEG, PNG or WebP.",
  429: "Too many requests. Please wait a moment and try again.",
  503: "The service is temporarily unavailable. Please try again shortly.",
};

/** Turn any error body (ours, or FastAPI's default `detail`) into an ApiError. */
export function toApiError(response: Response | undefined, body: unknown): ApiError {
  const status = response?.status ?? 0;
  const retryHeader = response?.headers.get("Retry-After");
  const retryAfter = retryHeader ? Number(retryHeader) || null : null;
  const requestIdHeader = response?.headers.get("X-Request-ID") ?? null;
  if (isRecord(body) && isRecord(body.error)) {
    const e = body.error;
    const details: FieldError[] = Array.isArray(e.details)
      ? e.details.filter(isRecord).map((d) => ({
          field: str(d.field) ?? "",
          message: str(d.message) ?? "Invalid value",
        }))
      : [];
    return new ApiError({
      status,
      code: str(e.code) ?? "error",
      message: str(e.message) ?? DEFAULT_MESSAGES[status] ?? "Something went wrong.",
      details,
      requestId: str(e.request_id) ?? requestIdHeader,
      declineCode: str(e.decline_code),
      paymentId: str(e.payment_id),
      retryAfter,
    });
  }
  if (isRecord(body) && Array.isArray(body.detail)) {
    const details = body.detail.filter(isRecord).map((d) => ({
      field: Array.isArray(d.loc) ? d.loc.filter((x) => x !== "body").join(".") : "",
      message: str(d.msg) ?? "Invalid value",
    }));
    return new ApiError({ status, code: "validation_error", message: "Please correct the highlighted fields.", details, requestId: requestIdHeader });
  }
  return new ApiError({
    status,
    code: status === 0 ? "network_error" : "error",
    message: DEFAULT_MESSAGES[status] ?? `Something went wrong (HTTP ${status}).`,
    requestId: requestIdHeader,
    retryAfter,
  });
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return "Something went wrong.";
}
