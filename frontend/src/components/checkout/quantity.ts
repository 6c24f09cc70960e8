import type { MaterialDetail } from "@/lib/types";
import { quantityProblem, tierPrice } from "@/lib/trade";
import { parseDecimal } from "@/lib/validation";

type Listing = Pick<MaterialDetail, "unit" | "quantity" | "min_order_quantity"> & Partial<Pick<MaterialDetail, "order_increment">>;

/** The quantity a checkout starts from: the listing's minimum order, if it has one. */
export function initialQuantity(m: Listing): string {
  return m.min_order_quantity ? String(m.min_order_quantity) : "";
}

/**
 * The quantity typed at checkout, checked against the listing (or the lot chosen, whose stock is
 * `available`): a positive number (whole for rolls and pieces, at most 3 decimals), no more than
 * is available, no less than the minimum order and on the listing's steps.
 */
export function validateQuantity(text: string, m: Listing, available: number | string = m.quantity): [number | null, string | null] {
  const whole = m.unit === "roll" || m.unit === "piece";
  const [q, err] = parseDecimal(text, { decimals: 3, min: 0, exclusiveMin: true, label: "Quantity", required: true, integer: whole });
  if (err || q === null) return [null, err];
  const problem = quantityProblem(q, m, available);
  return problem ? [null, problem] : [q, null];
}

/**
 * The unit price an order of `quantity` is charged (as the server prices it): the highest price
 * tier the quantity reaches, else the listing's price. Sent as `expected_unit_price`.
 */
export function unitPriceFor(m: Pick<MaterialDetail, "price" | "price_tiers">, quantity: number | null): number {
  return tierPrice(m, quantity);
}
