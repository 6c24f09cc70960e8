/** The order page's money rules, as the server applies them. */
import { formatMoney } from "./format";
import { parseDecimal } from "./validation";

type Num = number | string | null | undefined;
const cents = (v: Num): number => Math.round(Number(v ?? 0) * 100);

/** What is left to refund on an order: its total less what was refunded. */
export function refundable(total: Num, refunded: Num): number {
  return Math.max(0, cents(total) - cents(refunded)) / 100;
}

/**
 * A refund amount as typed: empty means all that is left; else a positive amount of at most
 * 2 decimals, no more than is left. Returns [amount (null: all that is left), error].
 */
export function validateRefundAmount(text: string, left: number, currency: string): [number | null, string | null] {
  if (!text.trim()) return [null, null];
  const [amount, err] = parseDecimal(text, { decimals: 2, min: 0, exclusiveMin: true, label: "Amount" });
  if (err || amount === null) return [null, err];
  if (cents(amount) > cents(left)) return [null, `At most ${formatMoney(left, currency)} is left to refund.`];
  return [amount, null];
}

export const DISPUTE_REASONS = [
  { value: "not_received", label: "I did not receive it" },
  { value: "not_as_described", label: "Not as described" },
  { value: "damaged", label: "Arrived damaged" },
  { value: "other", label: "Something else" },
] as const;

export function disputeReasonLabel(reason: string): string {
  return DISPUTE_REASONS.find((r) => r.value === reason)?.label ?? reason;
}

export const OUTCOME_LABELS: Record<string, string> = {
  refund_full: "Refunded in full",
  refund_partial: "Refunded in part",
  release: "Payment released to the seller",
};
