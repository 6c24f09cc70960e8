/**
 * Paying with the Stripe gateway: Stripe.js turns the card into a PaymentMethod, the API
 * charges it, and a 3-D Secure challenge is completed in the browser with the PaymentIntent's
 * client secret. The order turns paid when Stripe's webhook reaches the server, so the payment
 * is read again until it has settled. Stripe.js and the API calls are passed in (the network
 * boundary), which keeps the flow testable without either.
 */

export interface StripeError {
  message?: string;
  code?: string;
  decline_code?: string;
}

/** The part of Stripe.js this flow uses (`Stripe` from @stripe/stripe-js satisfies it). */
export interface StripeLike {
  createPaymentMethod(options: { type: "card"; card: unknown }): Promise<{ paymentMethod?: { id: string }; error?: StripeError }>;
  handleNextAction(options: { clientSecret: string }): Promise<{ paymentIntent?: { status: string }; error?: StripeError }>;
}

export interface ChargeAnswer {
  payment_id?: string | null;
  status: string;
  client_secret?: string | null;
}

export interface StripeFlowDeps {
  stripe: StripeLike;
  /** The mounted card Element. */
  card: unknown;
  /** POST /api/payments with this payment method id; a decline throws as the API client does. */
  charge: (paymentMethodId: string) => Promise<ChargeAnswer>;
  /** GET /api/payments/{id}: its status. */
  paymentStatus: (paymentId: string) => Promise<string>;
  sleep?: (ms: number) => Promise<void>;
  /** How long to wait for the webhook after 3-D Secure (ms). */
  settleWithinMs?: number;
}

export type StripeOutcome =
  | { kind: "paid" }
  | { kind: "declined"; text: string; code?: string | null }
  | { kind: "error"; text: string }
  /** Authenticated, but the server has not heard from Stripe yet: the order page will update. */
  | { kind: "processing" };

const POLL_MS = 1000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function payWithStripe({ stripe, card, charge, paymentStatus, sleep = defaultSleep, settleWithinMs = 20_000 }: StripeFlowDeps): Promise<StripeOutcome> {
  const created = await stripe.createPaymentMethod({ type: "card", card });
  if (created.error || !created.paymentMethod) {
    return { kind: "error", text: created.error?.message ?? "The card details could not be read." };
  }
  const answer = await charge(created.paymentMethod.id);
  if (answer.status === "succeeded") return { kind: "paid" };
  if (answer.status !== "requires_action") return { kind: "error", text: `Payment status: ${answer.status}.` };
  if (!answer.client_secret || !answer.payment_id) {
    return { kind: "error", text: "The card needs authentication, but the payment provider gave no way to complete it." };
  }
  const action = await stripe.handleNextAction({ clientSecret: answer.client_secret });
  if (action.error) {
    return { kind: "declined", text: action.error.message ?? "The card's authentication failed.", code: action.error.decline_code ?? action.error.code ?? null };
  }
  for (let waited = 0; waited <= settleWithinMs; waited += POLL_MS) {
    const status = await paymentStatus(answer.payment_id);
    if (status === "succeeded") return { kind: "paid" };
    if (status === "failed") return { kind: "declined", text: "The payment was declined after authentication." };
    await sleep(POLL_MS);
  }
  return { kind: "processing" };
}
