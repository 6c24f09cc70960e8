import { describe, expect, it } from "vitest";
import { NOT_KNOWN, endSentence, formatCo2, formatKg, formatLitres } from "./format";

describe("measures", () => {
  it("say a missing figure is not known, never 0", () => {
    for (const f of [formatKg, formatCo2, formatLitres]) {
      expect(f(null)).toBe(NOT_KNOWN);
      expect(f(undefined)).toBe(NOT_KNOWN);
      expect(f("")).toBe(NOT_KNOWN);
    }
  });

  it("keep a real zero and the unit", () => {
    expect(formatLitres(0)).toMatch(/^0 L$/);
    expect(formatCo2("1.25")).toMatch(/kg CO₂e$/);
    expect(formatKg(3)).toMatch(/^3 kg$/);
  });
});

describe("endSentence", () => {
  it("adds one full stop, never a second", () => {
    expect(endSentence("Tessitura Verde S.r.l.")).toBe("Tessitura Verde S.r.l.");
    expect(endSentence("Atelier Éclair")).toBe("Atelier Éclair.");
  });
});
