import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";
import type { PaymentBody } from "@/lib/types";
import { transactionKeys } from "./transactions";

/** Sandbox test payment methods (see the OpenAPI operation `create_payment`). */
export const TEST_PAYMENT_METHODS = [
  { value: "pm_card_visa", label: "Visa •••• 4242 (succeeds)" },
  { value: "pm_card_mastercard", label: "Mastercard •••• 4444 (succeeds)" },
  { value: "pm_card_visa_chargeDeclined", label: "Visa — declined (generic decline)" },
  { value: "pm_card_visa_chargeDeclinedInsufficientFunds", label: "Visa — declined (insufficient funds)" },
  { value: "pm_card_chargeDeclinedExpiredCard", label: "Card — declined (expired card)" },
  { value: "pm_card_authenticationRequired", label: "Card — requires authentication (3-D Secure)" },
] as const;

export const DECLINE_MESSAGES: Record<string, string> = {
  generic_decline: "The card was declined by the issuer.",
  insufficient_funds: "The card has insufficient funds.",
  expired_card: "The card has expired.",
};

export interface PayInput extends PaymentBody {
  /** One key per attempt (crypto.randomUUID()); the same key replays the first answer. */
  idempotencyKey: string;
}

export interface PayResult {
  payment_id?: string | null;
  status: string;
  transaction_id?: string;
  amount?: number | string;
  currency?: string;
  /** Sandbox 3-D Secure: the challenge page of this app. */
  next_action_url?: string | null;
  /** Stripe 3-D Secure: for Stripe.js's handleNextAction. */
  client_secret?: string | null;
}

/** Which gateway takes payments (sandbox test cards, or Stripe.js with its publishable key). */
export function usePaymentConfig() {
  return useQuery({
    queryKey: ["payments", "config"] as const,
    queryFn: () => call(() => api.GET("/api/payments/config")),
    staleTime: Infinity,
  });
}

/** A payment's status, read again while Stripe's webhook is on its way. */
export async function paymentStatus(paymentId: string): Promise<string> {
  const payment = await call(() => api.GET("/api/payments/{payment_id}", { params: { path: { payment_id: paymentId } } }));
  return payment.status;
}

export function newIdempotencyKey(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function usePay() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ idempotencyKey, ...body }: PayInput): Promise<PayResult> =>
      call(() =>
        api.POST("/api/payments", {
          body,
          params: { header: { "Idempotency-Key": idempotencyKey } },
        }),
      ) as Promise<PayResult>,
    onSettled: (_data, _err, vars) => {
      void qc.invalidateQueries({ queryKey: transactionKeys.detail(vars.transaction_id) });
      void qc.invalidateQueries({ queryKey: transactionKeys.all });
    },
  });
}

/** The sandbox's 3-D Secure challenge, answered by the buyer. */
export function useSandboxAuthenticate(paymentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (outcome: "approve" | "fail") => call(() => api.POST("/api/payments/{payment_id}/sandbox/authenticate", { params: { path: { payment_id: paymentId } }, body: { outcome } })),
    onSettled: (data) => {
      if (data) void qc.invalidateQueries({ queryKey: transactionKeys.detail(data.transaction_id) });
      void qc.invalidateQueries({ queryKey: transactionKeys.all });
    },
  });
}

/** The sandbox's stand-in for Stripe's hosted onboarding of a seller's payout account. */
export function useCompleteSandboxOnboarding() {
  return useMutation({
    mutationFn: async () => call(() => api.POST("/api/payouts/account/sandbox/complete")),
  });
}

/** The path of an absolute URL of this app (the server names it with PUBLIC_BASE_URL). */
export function appPath(url: string): string {
  try {
    const parsed = new URL(url, window.location.origin);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
