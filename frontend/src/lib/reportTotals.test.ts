import { describe, expect, it } from "vitest";
import { NOT_KNOWN, formatLitres } from "./format";
import { knownTotal, linesWithout, savedHint } from "./reportTotals";

describe("knownTotal", () => {
  it("is not known when no line has a figure", () => {
    const lines = [{ water_saved: null }, { water_saved: null }];
    expect(formatLitres(knownTotal("0", lines, "water_saved"))).toBe(NOT_KNOWN);
  });

  it("keeps the total when any line has a figure, zero included", () => {
    expect(knownTotal("12.5", [{ water_saved: null }, { water_saved: "12.5" }], "water_saved")).toBe("12.5");
    expect(formatLitres(knownTotal("0", [{ water_saved: "0" }], "water_saved"))).toMatch(/^0 L$/);
  });

  it("keeps the total of an empty report", () => {
    expect(knownTotal("0", [], "water_saved")).toBe("0");
  });

  it("counts the lines without a figure", () => {
    expect(linesWithout([{ water_saved: null }, { water_saved: "1" }, {}], "water_saved")).toBe(2);
  });
});

describe("savedHint", () => {
  it("says what the total leaves out", () => {
    expect(savedHint("vs virgin", 0, 3)).toBe("vs virgin");
    expect(savedHint("vs virgin", 1, 3)).toBe("vs virgin; 1 of 3 without a figure");
    expect(savedHint("vs virgin", 3, 3)).toBe("No sourced factor for these materials");
    expect(savedHint("vs virgin", 0, 0)).toBe("vs virgin");
  });
});
