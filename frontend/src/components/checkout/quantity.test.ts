import { describe, expect, it } from "vitest";
import { initialQuantity, validateQuantity } from "./quantity";

const metres = { unit: "m", quantity: 120, min_order_quantity: 10 } as const;
const rolls = { unit: "roll", quantity: 8, min_order_quantity: null } as const;

describe("checkout quantity", () => {
  it("starts from the minimum order, if any", () => {
    expect(initialQuantity(metres)).toBe("10");
    expect(initialQuantity(rolls)).toBe("");
  });

  it("accepts a quantity between the minimum order and the stock", () => {
    expect(validateQuantity("10", metres)).toEqual([10, null]);
    expect(validateQuantity("120", metres)).toEqual([120, null]);
  });

  it("refuses more than is available or less than the minimum order", () => {
    expect(validateQuantity("120.5", metres)[1]).toMatch(/^Only .*120.* available\.$/);
    expect(validateQuantity("9.999", metres)[1]).toMatch(/^The minimum order is .*10/);
  });

  it("wants a positive number, whole for rolls", () => {
    expect(validateQuantity("", rolls)).toEqual([null, "Quantity is required."]);
    expect(validateQuantity("0", rolls)).toEqual([null, "Quantity must be greater than 0."]);
    expect(validateQuantity("1.5", rolls)).toEqual([null, "Quantity must be a whole number."]);
    expect(validateQuantity("3", rolls)).toEqual([3, null]);
  });
});

describe("checkout quantity with steps and lots", () => {
  const stepped = { unit: "m", quantity: 120, min_order_quantity: 10, order_increment: 5 } as const;

  it("refuses a quantity off the steps", () => {
    expect(validateQuantity("12", stepped)).toEqual([null, "Order in steps of 5 m from 10 m: try 10 m or 15 m."]);
    expect(validateQuantity("15", stepped)).toEqual([15, null]);
  });

  it("checks against the lot's stock when one is chosen", () => {
    expect(validateQuantity("40", stepped, 30)[1]).toBe("Only 30 m available.");
    expect(validateQuantity("30", stepped, 30)).toEqual([30, null]);
  });
});
