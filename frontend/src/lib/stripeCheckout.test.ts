/* eslint-disable @typescript-eslint/require-await -- the fakes stand in for async APIs and answer at once */
import { describe, expect, it } from "vitest";
import { type ChargeAnswer, type StripeLike, payWithStripe } from "./stripeCheckout";

/** A stand-in for Stripe.js (a third party's script, not this project's code). */
function fakeStripe(options: { pmError?: string; actionError?: { message: string; decline_code?: string } } = {}) {
  const calls: string[] = [];
  const stripe: StripeLike = {
    createPaymentMethod: async () => {
      calls.push("createPaymentMethod");
      return options.pmError ? { error: { message: options.pmError } } : { paymentMethod: { id: "pm_1Abc" } };
    },
    handleNextAction: async ({ clientSecret }) => {
      calls.push(`handleNextAction:${clientSecret}`);
      return options.actionError ? { error: options.actionError } : { paymentIntent: { status: "succeeded" } };
    },
  };
  return { stripe, calls };
}

const noSleep = async () => undefined;

describe("payWithStripe", () => {
  it("charges the card's payment method and is paid at once without 3-D Secure", async () => {
    const { stripe } = fakeStripe();
    const charged: string[] = [];
    const outcome = await payWithStripe({
      stripe,
      card: {},
      charge: async (pm) => {
        charged.push(pm);
        return { status: "succeeded", payment_id: "p1" };
      },
      paymentStatus: async () => "succeeded",
      sleep: noSleep,
    });
    expect(outcome).toEqual({ kind: "paid" });
    expect(charged).toEqual(["pm_1Abc"]);
  });

  it("completes 3-D Secure with the client secret, then waits for the webhook", async () => {
    const { stripe, calls } = fakeStripe();
    const statuses = ["requires_action", "requires_action", "succeeded"];
    const outcome = await payWithStripe({
      stripe,
      card: {},
      charge: async (): Promise<ChargeAnswer> => ({ status: "requires_action", payment_id: "p1", client_secret: "pi_1_secret_x" }),
      paymentStatus: async () => statuses.shift() ?? "succeeded",
      sleep: noSleep,
    });
    expect(outcome).toEqual({ kind: "paid" });
    expect(calls).toEqual(["createPaymentMethod", "handleNextAction:pi_1_secret_x"]);
    expect(statuses).toEqual([]);
  });

  it("reports a failed authentication as a decline", async () => {
    const { stripe } = fakeStripe({ actionError: { message: "We are unable to authenticate your payment method.", decline_code: "authentication_required" } });
    const outcome = await payWithStripe({
      stripe,
      card: {},
      charge: async () => ({ status: "requires_action", payment_id: "p1", client_secret: "s" }),
      paymentStatus: async () => "requires_action",
      sleep: noSleep,
    });
    expect(outcome).toEqual({ kind: "declined", text: "We are unable to authenticate your payment method.", code: "authentication_required" });
  });

  it("says processing when the webhook is late, and never charges twice", async () => {
    const { stripe } = fakeStripe();
    let charges = 0;
    const outcome = await payWithStripe({
      stripe,
      card: {},
      charge: async () => {
        charges += 1;
        return { status: "requires_action", payment_id: "p1", client_secret: "s" };
      },
      paymentStatus: async () => "requires_action",
      sleep: noSleep,
      settleWithinMs: 3000,
    });
    expect(outcome).toEqual({ kind: "processing" });
    expect(charges).toBe(1);
  });

  it("stops before charging when the card is incomplete", async () => {
    const { stripe } = fakeStripe({ pmError: "Your card number is incomplete." });
    let charged = false;
    const outcome = await payWithStripe({
      stripe,
      card: {},
      charge: async () => {
        charged = true;
        return { status: "succeeded" };
      },
      paymentStatus: async () => "succeeded",
    });
    expect(outcome).toEqual({ kind: "error", text: "Your card number is incomplete." });
    expect(charged).toBe(false);
  });
});
