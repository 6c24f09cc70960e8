import { describe, expect, it } from "vitest";
import {
  checkDocumentFile,
  countRows,
  emptyCertificateForm,
  lastDays,
  outcomeLabel,
  parsePartialRefund,
  referenceRow,
  referencable,
  reportReasonLabel,
  statusRows,
  validateCertificateForm,
  validateDateRange,
  validateReason,
} from "./trust";

describe("validateReason", () => {
  it("needs some text, at most 500 characters", () => {
    expect(validateReason("")).toBe("Give a reason.");
    expect(validateReason("   \n")).toBe("Give a reason.");
    expect(validateReason("x".repeat(501))).toBe("At most 500 characters.");
    expect(validateReason("x".repeat(500))).toBeNull();
    expect(validateReason("Fake GOTS claim")).toBeNull();
  });
});

describe("parsePartialRefund", () => {
  it("takes an amount above 0 and below what is left to refund", () => {
    expect(parsePartialRefund("12.50", 32, "en-GB")).toEqual([12.5, null]);
    expect(parsePartialRefund("31.99", 32, "en-GB")).toEqual([31.99, null]);
    expect(parsePartialRefund("1,250.5", 2000, "en-GB")).toEqual([1250.5, null]);
    expect(parsePartialRefund("12,5", 32, "de-DE")).toEqual([12.5, null]);
  });

  it.each([
    ["", "Amount is required."],
    ["abc", "Amount must be a number."],
    ["0", "Amount must be greater than 0."],
    ["1.005", "Amount: at most 2 decimals."],
    ["32", "A partial refund is less than what is left to refund; choose a full refund for all of it."],
    ["40", "A partial refund is less than what is left to refund; choose a full refund for all of it."],
  ])("rejects %j", (typed, message) => {
    expect(parsePartialRefund(typed, 32, "en-GB")).toEqual([null, message]);
  });

  it("compares in cents, so float noise does not block the last cent", () => {
    expect(parsePartialRefund("0.29", 0.1 + 0.2, "en-GB")).toEqual([0.29, null]);
  });

  it("says so when nothing is left", () => {
    expect(parsePartialRefund("1", 0, "en-GB")).toEqual([null, "Nothing is left to refund."]);
  });
});

describe("dates", () => {
  it("lastDays counts today in", () => {
    expect(lastDays(30, new Date("2026-03-05T23:30:00Z"))).toEqual({ start: "2026-02-04", end: "2026-03-05" });
    expect(lastDays(1, new Date("2026-01-01T00:00:00Z"))).toEqual({ start: "2026-01-01", end: "2026-01-01" });
  });

  it("validateDateRange wants start <= end, either may be empty", () => {
    expect(validateDateRange("", "")).toBeNull();
    expect(validateDateRange("2026-01-01", "")).toBeNull();
    expect(validateDateRange("2026-01-01", "2026-01-01")).toBeNull();
    expect(validateDateRange("2026-02-01", "2026-01-31")).toBe("The start date must be on or before the end date.");
    expect(validateDateRange("2026-1-1", "")).toBe("Use dates as YYYY-MM-DD.");
  });
});

describe("certificates", () => {
  const pdf = { name: "gots.pdf", type: "application/pdf", size: 120_000 };

  it("checkDocumentFile takes a PDF or image up to 10 MB", () => {
    expect(checkDocumentFile(pdf)).toBeNull();
    expect(checkDocumentFile({ name: "scan.webp", type: "image/webp", size: 10 * 1024 * 1024 })).toBeNull();
    expect(checkDocumentFile({ name: "big.pdf", type: "application/pdf", size: 10 * 1024 * 1024 + 1 })).toBe("big.pdf: larger than 10 MB.");
    expect(checkDocumentFile({ name: "cert.docx", type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", size: 10 })).toBe(
      "cert.docx: upload a PDF, or a JPEG, PNG or WebP image.",
    );
    expect(checkDocumentFile({ name: "empty.pdf", type: "application/pdf", size: 0 })).toBe("empty.pdf: the file is empty.");
  });

  it("validateCertificateForm names every missing field as the API does", () => {
    expect(validateCertificateForm(emptyCertificateForm())).toEqual({
      scheme: "Choose the scheme.",
      certificate_number: "Certificate number is required.",
      issuing_body: "Issuing body is required.",
      valid_from: "Valid from is required.",
      valid_until: "Valid until is required.",
      document_id: "Attach the certificate (PDF or image).",
    });
  });

  it("validateCertificateForm checks the validity order and the file", () => {
    const form = { scheme: "GOTS", certificate_number: "CU-1", issuing_body: "Control Union", valid_from: "2026-02-01", valid_until: "2026-01-31", file: { ...pdf, type: "text/plain" } };
    expect(validateCertificateForm(form)).toEqual({ valid_until: "Valid until must be on or after valid from.", document_id: "gots.pdf: upload a PDF, or a JPEG, PNG or WebP image." });
    expect(validateCertificateForm({ ...form, valid_until: "2027-01-31", file: pdf })).toEqual({});
  });
});

describe("labels", () => {
  it("names outcomes and report reasons, passing unknown values through", () => {
    expect(outcomeLabel("refund_partial")).toBe("Partial refund");
    expect(outcomeLabel(null)).toBe("—");
    expect(reportReasonLabel("misleading_metrics")).toBe("Misleading metrics");
    expect(reportReasonLabel("new_reason")).toBe("new_reason");
  });
});

describe("certificate references", () => {
  const cert = (status: string) => ({ certificate_id: `id-${status}`, scheme: "GOTS", valid_until: "2030-01-31", status, certificate_number: "CU-1" });
  it("offers every certificate but rejected ones", () => {
    expect(referencable(["pending", "approved", "rejected", "expired"].map(cert)).map((c) => c.status)).toEqual(["pending", "approved", "expired"]);
  });
  it("makes a certification row that names the certificate by id", () => {
    expect(referenceRow(cert("approved"))).toEqual({ scheme: "GOTS", certificate_id: "id-approved", valid_until: "2030-01-31" });
  });
});

describe("statistics rows", () => {
  it("orders statuses along the order's life, unknown ones last", () => {
    expect(statusRows({ cancelled: 1, zeta: 2, paid: 3, pending: 0, alpha: 1 }).map((r) => r.status)).toEqual(["pending", "paid", "cancelled", "alpha", "zeta"]);
    expect(statusRows({ paid: 3 })).toEqual([{ status: "paid", orders: 3 }]);
  });
  it("sorts counts largest first, ties by name", () => {
    expect(countRows({ brand: 2, manufacturer: 5, admin: 2 })).toEqual([
      { key: "manufacturer", count: 5 },
      { key: "admin", count: 2 },
      { key: "brand", count: 2 },
    ]);
    expect(countRows({})).toEqual([]);
  });
});
