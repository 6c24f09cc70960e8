import { describe, expect, it } from "vitest";
import { PHONE_HINT, normalizeNumber, parseDecimal, validateCountry, validateEmail, validateLength, validatePassword, validatePhone } from "./validation";

describe("validateEmail", () => {
  it.each([
    ["", "Email is required."],
    ["   ", "Email is required."],
    ["no-at-sign", "Enter a valid email address."],
    ["a@b", "Enter a valid email address."],
    ["two words@x.com", "Enter a valid email address."],
  ])("rejects %j", (v, msg) => expect(validateEmail(v)).toBe(msg));

  it("accepts an address, ignoring surrounding spaces", () => {
    expect(validateEmail(" buyer@brand.example ")).toBeNull();
  });
});

describe("validatePassword", () => {
  it.each([
    ["Short1", "At least 8 characters."],
    ["A1" + "a".repeat(127), "At most 128 characters."],
    ["lowercase1", "Include an upper-case letter."],
    ["UPPERCASE1", "Include a lower-case letter."],
    ["NoDigitsHere", "Include a digit."],
  ])("rejects %j", (v, msg) => expect(validatePassword(v)).toBe(msg));

  it("accepts 8 to 128 characters with upper, lower and digit", () => {
    expect(validatePassword("Passw0rd")).toBeNull();
    expect(validatePassword("A1" + "a".repeat(126))).toBeNull();
  });
});

describe("validateLength", () => {
  it("counts trimmed text for the minimum and raw text for the maximum", () => {
    expect(validateLength("  ", 1, 10, "Name")).toBe("Name is required.");
    expect(validateLength(" ab ", 3, 10, "Title")).toBe("Title must be at least 3 characters.");
    expect(validateLength("abcdefghijk", 3, 10, "Title")).toBe("Title must be at most 10 characters.");
    expect(validateLength("abc", 3, 10, "Title")).toBeNull();
  });
});

describe("validatePhone and validateCountry", () => {
  it("takes an empty phone, else E.164 only", () => {
    expect(validatePhone("")).toBeNull();
    expect(validatePhone("+4915112345678")).toBeNull();
    expect(validatePhone("015112345678")).toMatch(/international format/);
    expect(validatePhone("+0123")).toMatch(/international format/);
  });

  it("shows in its error the same example number as the hint", () => {
    const example = /\+\d+/.exec(PHONE_HINT)?.[0];
    expect(example).toBeTruthy();
    expect(validatePhone("12345")).toContain(example);
  });

  it("takes two letters, and an empty country only when optional", () => {
    expect(validateCountry("")).toBeNull();
    expect(validateCountry("", true)).toBe("Country is required.");
    expect(validateCountry("pt")).toBeNull();
    expect(validateCountry("PRT")).toMatch(/2-letter/);
    expect(validateCountry("P1")).toMatch(/2-letter/);
  });
});

describe("parseDecimal", () => {
  const opts = { decimals: 2, label: "Price" };

  it("parses plain decimals", () => {
    expect(parseDecimal("12", opts)).toEqual([12, null]);
    expect(parseDecimal(" 12.50 ", opts)).toEqual([12.5, null]);
  });

  it("treats empty input as absent unless required", () => {
    expect(parseDecimal("", opts)).toEqual([null, null]);
    expect(parseDecimal("  ", { ...opts, required: true })).toEqual([null, "Price is required."]);
  });

  it.each(["abc", "-1", "1e3", "1.", ".5", "0x10", "NaN", "Infinity"])("rejects %j as not a number", (v) => {
    expect(parseDecimal(v, opts)).toEqual([null, "Price must be a number."]);
  });

  it("limits the fraction digits and whole numbers", () => {
    expect(parseDecimal("1.234", opts)).toEqual([null, "Price: at most 2 decimals."]);
    expect(parseDecimal("2.5", { decimals: 3, label: "Rolls", integer: true })).toEqual([null, "Rolls must be a whole number."]);
    expect(parseDecimal("3", { decimals: 3, label: "Rolls", integer: true })).toEqual([3, null]);
  });

  it("checks an inclusive or exclusive minimum", () => {
    expect(parseDecimal("0", { ...opts, min: 0 })).toEqual([0, null]);
    expect(parseDecimal("0", { ...opts, min: 0, exclusiveMin: true })).toEqual([null, "Price must be greater than 0."]);
    expect(parseDecimal("4", { ...opts, min: 5 })).toEqual([null, "Price must be at least 5."]);
  });
});

describe("numbers typed in the user's locale", () => {
  it.each([
    ["en-GB", "1,250", "1250"],
    ["en-GB", "1,250,000.75", "1250000.75"],
    ["en-GB", "1250.5", "1250.5"],
    ["de-DE", "1.250", "1250"],
    ["de-DE", "1.250,5", "1250.5"],
    ["de-DE", "2,5", "2.5"],
    ["de-DE", "2.5", "2.5"],
    ["fr-FR", "1 250,5", "1250.5"],
    ["fr-FR", "1\u202f250", "1250"],
  ])("%s reads %j as %s", (locale, typed, plain) => {
    expect(normalizeNumber(typed, locale)).toBe(plain);
  });

  it.each([
    ["en-GB", "1,25"],
    ["en-GB", "12,50,000"],
    ["en-GB", "1.250,5"],
    ["de-DE", "1,250.5"],
    ["en-GB", ",5"],
  ])("%s refuses %j (grouping in the wrong places)", (locale, typed) => {
    expect(normalizeNumber(typed, locale)).toBeNull();
  });

  it("parses grouped quantities, counting decimals after the decimal mark", () => {
    expect(parseDecimal("1,250", { decimals: 3, label: "Quantity", locale: "en-GB" })).toEqual([1250, null]);
    expect(parseDecimal("1.250,125", { decimals: 3, label: "Quantity", locale: "de-DE" })).toEqual([1250.125, null]);
    expect(parseDecimal("1,250.5", { decimals: 3, label: "Rolls", integer: true, locale: "en-GB" })).toEqual([null, "Rolls must be a whole number."]);
  });
});
