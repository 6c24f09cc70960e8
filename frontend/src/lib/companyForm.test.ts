import { describe, expect, it } from "vitest";
import { companyBody, companyForm, validateCompanyForm } from "./companyForm";

const filled = { legal_name: "Tessitura Verde S.r.l.", registration_number: "MI-1234567", vat_number: "IT12345678901", country: "IT", address: "Via Roma 1, 20121 Milano" };

describe("company form", () => {
  it("starts empty, or from the saved details", () => {
    expect(companyForm(null)).toEqual({ legal_name: "", registration_number: "", vat_number: "", country: "", address: "" });
    expect(companyForm({ ...filled, vat_number: null, verified: true, user_id: "u", verified_at: null, updated_at: "2026-01-01T00:00:00Z" })).toEqual({ ...filled, vat_number: "" });
  });

  it("checks each field, the VAT number against the chosen country", () => {
    expect(validateCompanyForm(companyForm(null))).toEqual({
      legal_name: "Legal name must be at least 2 characters.",
      registration_number: "Registration number is required.",
      country: "Country is required.",
      address: "Address must be at least 5 characters.",
    });
    expect(validateCompanyForm(filled)).toEqual({});
    expect(validateCompanyForm({ ...filled, country: "DE" }).vat_number).toMatch(/VAT number: use DE followed by 9 digits/);
    expect(validateCompanyForm({ ...filled, vat_number: "" })).toEqual({});
  });

  it("sends trimmed values and null for an empty VAT number", () => {
    expect(companyBody({ ...filled, legal_name: "  Tessitura Verde S.r.l. ", vat_number: "  " })).toEqual({ ...filled, vat_number: null });
  });
});
