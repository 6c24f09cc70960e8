import { describe, expect, it } from "vitest";
import { refundable, validateRefundAmount } from "./money";

describe("refunds", () => {
  it("leaves the total less what was refunded, in cents", () => {
    expect(refundable(85, 0)).toBe(85);
    expect(refundable("85.00", "10.10")).toBe(74.9);
    expect(refundable(0.3, 0.1 + 0.2)).toBe(0);
    expect(refundable(10, 12)).toBe(0);
  });

  it("takes an empty amount as all that is left", () => {
    expect(validateRefundAmount("", 40, "EUR")).toEqual([null, null]);
  });

  it("accepts up to what is left, with at most 2 decimals", () => {
    expect(validateRefundAmount("12.5", 40, "EUR")).toEqual([12.5, null]);
    expect(validateRefundAmount("40", 40, "EUR")).toEqual([40, null]);
    expect(validateRefundAmount("1.005", 40, "EUR")).toEqual([null, "Amount: at most 2 decimals."]);
    expect(validateRefundAmount("0", 40, "EUR")).toEqual([null, "Amount must be greater than 0."]);
    expect(validateRefundAmount("-3", 40, "EUR")[1]).toBe("Amount must be a number.");
    expect(validateRefundAmount("40.01", 40, "EUR")[1]).toMatch(/^At most .*40\.00 is left to refund\.$/);
  });
});
