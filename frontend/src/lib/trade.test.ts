import { describe, expect, it } from "vitest";
import { nearestSteps, offerRights, onStep, quantityProblem, termsSummary, tierErrors, tierIndex, tierPrice } from "./trade";

// 10 m minimum in 5 m steps; 4.00 from 50 m, 3.50 from 100 m; 6.50 below.
const listing = {
  unit: "m",
  quantity: 500,
  min_order_quantity: 10,
  order_increment: 5,
  price: 6.5,
  price_tiers: [
    { min_quantity: 50, price: 4 },
    { min_quantity: 100, price: 3.5 },
  ],
};

describe("tier price", () => {
  it("is the listing's price below the first tier", () => {
    expect(tierPrice(listing, 45)).toBe(6.5);
    expect(tierIndex(listing, 45)).toBe(-1);
    expect(tierPrice(listing, null)).toBe(6.5);
  });

  it("is the last tier the quantity reaches, from its exact minimum", () => {
    expect(tierPrice(listing, 50)).toBe(4);
    expect(tierPrice(listing, 95)).toBe(4);
    expect(tierPrice(listing, 100)).toBe(3.5);
    expect(tierPrice(listing, 500)).toBe(3.5);
    expect(tierIndex(listing, 100)).toBe(1);
  });

  it("compares decimals exactly (0.1 + 0.2 reaches 0.3)", () => {
    const kg = { price: "10", price_tiers: [{ min_quantity: "0.3", price: "9" }] };
    expect(tierPrice(kg, 0.1 + 0.2)).toBe(9);
    expect(tierPrice(kg, 0.299)).toBe(10);
  });

  it("takes decimal strings as the API may send them", () => {
    expect(tierPrice({ price: "6.50", price_tiers: [{ min_quantity: "50", price: "4.00" }] }, 50)).toBe(4);
  });
});

describe("increments", () => {
  it("accepts the minimum plus whole steps", () => {
    for (const q of [10, 15, 20, 495]) expect(quantityProblem(q, listing, 500)).toBeNull();
  });

  it("refuses a quantity between steps and names the nearest valid ones", () => {
    expect(onStep(12, 10, 5)).toBe(false);
    expect(quantityProblem(12, listing, 500)).toBe("Order in steps of 5 m from 10 m: try 10 m or 15 m.");
    expect(nearestSteps(12, listing, 500)).toEqual([10, 15]);
  });

  it("refuses below the minimum", () => {
    expect(quantityProblem(5, listing, 500)).toBe("The minimum order is 10 m.");
  });

  it("refuses more than is available", () => {
    expect(quantityProblem(505, listing, 500)).toBe("Only 500 m available.");
  });

  it("lets a buyer take all that is left, even off the steps or below the minimum", () => {
    expect(quantityProblem(7, listing, 7)).toBeNull();
    expect(quantityProblem(498, listing, 498)).toBeNull();
  });

  it("without a minimum, steps are multiples of the increment", () => {
    const t = { unit: "kg", min_order_quantity: null, order_increment: 0.25 };
    expect(quantityProblem(0.75, t, 100)).toBeNull();
    expect(quantityProblem(0.8, t, 100)).toBe("Order in steps of 0.25 kg: try 0.75 kg or 1 kg.");
  });

  it("has no steps without an increment", () => {
    expect(onStep(12.345, 10, null)).toBe(true);
    expect(quantityProblem(12.345, { unit: "m", min_order_quantity: 10, order_increment: null }, 500)).toBeNull();
  });

  it("summarises the terms", () => {
    expect(termsSummary(listing)).toBe("Minimum 10 m, then steps of 5 m");
    expect(termsSummary({ unit: "roll", order_increment: 2 })).toBe("Steps of 2 rolls");
    expect(termsSummary({ unit: "m" })).toBeNull();
  });
});

describe("tier validation in the listing form", () => {
  it("accepts ascending quantities on the steps with falling prices", () => {
    expect(
      tierErrors(
        6.5,
        [
          { min_quantity: 50, price: 4 },
          { min_quantity: 100, price: 3.5 },
        ],
        10,
        5,
      ),
    ).toEqual({});
  });

  it("names each broken rule on its field", () => {
    const e = tierErrors(
      6.5,
      [
        { min_quantity: 52, price: 7 },
        { min_quantity: 40, price: 6 },
        { min_quantity: 100, price: 6 },
      ],
      10,
      5,
    );
    expect(e).toEqual({
      "price_tiers.0.min_quantity": "Must be the minimum order plus whole steps.",
      "price_tiers.0.price": "Must be below the listing's price.",
      "price_tiers.1.min_quantity": "Must be above the previous tier's quantity.",
      "price_tiers.2.price": "Must be below the previous tier's price.",
    });
  });
});

describe("offer party rules", () => {
  const buyer = { user_id: "b" };
  const seller = { user_id: "s" };
  const open = (by: "buyer" | "seller") => ({ status: "open", buyer, seller, rounds: [{ by: "buyer" as const }, ...(by === "seller" ? [{ by: "seller" as const }] : [])] });

  it("after the buyer's round, the seller answers and the buyer may withdraw", () => {
    expect(offerRights(open("buyer"), "s")).toEqual({ side: "seller", counter: true, accept: true, decline: true, withdraw: false });
    expect(offerRights(open("buyer"), "b")).toEqual({ side: "buyer", counter: false, accept: false, decline: false, withdraw: true });
  });

  it("after the seller's counter, the buyer answers", () => {
    expect(offerRights(open("seller"), "b")).toMatchObject({ counter: true, accept: true, decline: true, withdraw: false });
    expect(offerRights(open("seller"), "s")).toMatchObject({ counter: false, accept: false, withdraw: true });
  });

  it("follows the server's next_by when given", () => {
    expect(offerRights({ ...open("buyer"), next_by: "buyer" }, "b").accept).toBe(true);
  });

  it("allows nothing once the offer is closed, or to anyone else", () => {
    for (const status of ["accepted", "declined", "withdrawn", "expired"]) {
      expect(offerRights({ ...open("buyer"), status }, "s")).toEqual({ side: "seller", counter: false, accept: false, decline: false, withdraw: false });
    }
    expect(offerRights(open("buyer"), "x").side).toBeNull();
    expect(offerRights(open("buyer"), undefined).accept).toBe(false);
  });
});
