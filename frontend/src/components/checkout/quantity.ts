import { formatQuantity } from "@/lib/format";
import type { MaterialDetail } from "@/lib/types";
import { parseDecimal } from "@/lib/validation";

type Listing = Pick<MaterialDetail, "unit" | "quantity" | "min_order_quantity">;

/** The quantity a checkout starts from: the listing's minimum order, if it has one. */
export function initialQuantity(m: Listing): string {
  return m.min_order_quantity ? String(m.min_order_quantity) : "";
}

/**
 * The quantity typed at checkout, checked against the listing: a positive number (whole for
 * rolls and pieces, at most 3 decimals), no more than is available, no less than the minimum order.
 */
export function validateQuantity(text: string, m: Listing): [number | null, string | null] {
  const whole = m.unit === "roll" || m.unit === "piece";
  const [q, err] = parseDecimal(text, { decimals: 3, min: 0, exclusiveMin: true, label: "Quantity", required: true, integer: whole });
  if (err) return [null, err];
  if (q !== null && q > Number(m.quantity)) return [null, `Only ${formatQuantity(m.quantity, m.unit)} available.`];
  if (q !== null && m.min_order_quantity && q < Number(m.min_order_quantity)) return [null, `The minimum order is ${formatQuantity(m.min_order_quantity, m.unit)}.`];
  return [q, null];
}

/**
 * The unit price an order of `quantity` is charged (as the server prices it): the highest price
 * tier the quantity reaches, else the listing's price. Sent as `expected_unit_price`.
 */
export function unitPriceFor(m: Pick<MaterialDetail, "price" | "price_tiers">, quantity: number | null): number {
  let reached = Number(m.price);
  for (const tier of m.price_tiers ?? []) if (quantity !== null && quantity >= Number(tier.min_quantity)) reached = Number(tier.price);
  return reached;
}
