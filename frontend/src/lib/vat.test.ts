import { describe, expect, it } from "vitest";
import { hasVatFormat, normalizeVat, validateVat, vatHint } from "./vat";

describe("validateVat", () => {
  it.each([
    ["DE123456789", "DE"],
    ["de 123 456 789", "DE"],
    ["123456789", "DE"],
    ["ATU12345678", "AT"],
    ["EL123456789", "GR"],
    ["FRXX123456789", "FR"],
    ["NL123456789B01", "NL"],
    ["ESX1234567X", "ES"],
    ["IE1234567T", "IE"],
    ["SE123456789001", "SE"],
    ["GB123456789", "GB"],
    ["GB123456789012", "GB"],
    ["CHE-123.456.789 MWST", "CH"],
    ["CHE123456789", "CH"],
    ["NO123456789MVA", "NO"],
    ["PT123456789", "PT"],
    ["IT12345678901", "IT"],
  ])("accepts %j for %s", (v, country) => expect(validateVat(v, country)).toBeNull());

  it.each([
    ["DE12345678", "DE"],
    ["DE1234567890", "DE"],
    ["PT12345678A", "PT"],
    ["NL123456789X01", "NL"],
    ["SE123456789012", "SE"],
    ["GR123456789", "GR"],
    ["CHE12345678", "CH"],
    ["FR12345678", "FR"],
    ["DE123456789", "FR"],
  ])("rejects %j for %s with the country's shape", (v, country) => {
    expect(validateVat(v, country, "the country")).toMatch(/^This is not a the country VAT number: use .+, e\.g\. /);
  });

  it("names the country and its format in the message", () => {
    expect(validateVat("DE1", "DE", "Germany")).toBe("This is not a Germany VAT number: use DE followed by 9 digits, e.g. DE123456789.");
  });

  it("treats an empty number as absent: it is optional", () => {
    expect(validateVat("", "DE")).toBeNull();
    expect(validateVat("  - ", "DE")).toBeNull();
  });

  it("accepts letters and digits for a country without a known format, and caps the length", () => {
    expect(hasVatFormat("US")).toBe(false);
    expect(validateVat("12-3456789", "US")).toBeNull();
    expect(validateVat("12#3456789", "US")).toBe("Use letters and digits only.");
    expect(validateVat("1".repeat(21), "US")).toBe("A VAT number has at most 20 characters.");
  });
});

describe("normalizeVat and vatHint", () => {
  it("drops separators and upper-cases", () => {
    expect(normalizeVat(" che-123.456/789 mwst ")).toBe("CHE123456789MWST");
  });
  it("describes a known format, and nothing for an unknown one", () => {
    expect(vatHint("de")).toBe("DE followed by 9 digits, e.g. DE123456789");
    expect(vatHint("US")).toBeNull();
  });
});
