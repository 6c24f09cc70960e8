/**
 * A listing's terms of sale as the server applies them (minimum order, steps, price tiers, lots)
 * and the turn rules of an offer. Pure functions: the pages show what the server will accept.
 */
import { formatQuantity } from "./format";

type Num = number | string;

/** Quantities have at most 3 decimals: compared in thousandths, never as floats. */
const milli = (v: Num): number => Math.round(Number(v) * 1000);

export interface Terms {
  unit: string;
  quantity: Num;
  min_order_quantity?: Num | null;
  order_increment?: Num | null;
  price: Num;
  price_tiers?: Array<{ min_quantity: Num; price: Num }> | null;
}

export interface Lot {
  lot_code: string;
  quantity: Num;
  color?: string | null;
  grade: string;
  width_cm?: Num | null;
  weight_gsm?: Num | null;
}

/** The unit price of an order of `quantity`: the last tier it reaches, else the listing's price. */
export function tierPrice(m: Pick<Terms, "price" | "price_tiers">, quantity: number | null): number {
  let reached = Number(m.price);
  for (const tier of m.price_tiers ?? []) if (quantity !== null && milli(quantity) >= milli(tier.min_quantity)) reached = Number(tier.price);
  return reached;
}

/** The index of the tier a quantity reaches (-1: the listing's own price). */
export function tierIndex(m: Pick<Terms, "price_tiers">, quantity: number | null): number {
  let index = -1;
  (m.price_tiers ?? []).forEach((tier, i) => {
    if (quantity !== null && milli(quantity) >= milli(tier.min_quantity)) index = i;
  });
  return index;
}

/** Whether a quantity is the minimum plus whole steps (multiples of the step without a minimum). */
export function onStep(quantity: number, minimum: Num | null | undefined, increment: Num | null | undefined): boolean {
  if (increment === null || increment === undefined || Number(increment) <= 0) return true;
  return (milli(quantity) - milli(minimum ?? 0)) % milli(increment) === 0;
}

/** The valid quantities either side of an off-step one (within what is available). */
export function nearestSteps(quantity: number, t: Pick<Terms, "min_order_quantity" | "order_increment">, available: Num): number[] {
  const base = milli(t.min_order_quantity ?? 0);
  const step = milli(t.order_increment ?? 0);
  if (step <= 0) return [];
  const below = base + Math.floor((milli(quantity) - base) / step) * step;
  return [below, below + step].filter((q) => q >= Math.max(base, 1) && q <= milli(available)).map((q) => q / 1000);
}

/**
 * Why an order of `quantity` breaks the terms, as a sentence, or null. Taking all that is left
 * (of the listing, or of its lot) is always allowed, as on the server.
 */
export function quantityProblem(quantity: number, t: Pick<Terms, "unit" | "min_order_quantity" | "order_increment">, available: Num): string | null {
  if (milli(quantity) > milli(available)) return `Only ${formatQuantity(available, t.unit)} available.`;
  if (milli(quantity) === milli(available)) return null;
  if (t.min_order_quantity && milli(quantity) < milli(t.min_order_quantity)) return `The minimum order is ${formatQuantity(t.min_order_quantity, t.unit)}.`;
  if (!onStep(quantity, t.min_order_quantity, t.order_increment)) {
    const from = t.min_order_quantity ? ` from ${formatQuantity(t.min_order_quantity, t.unit)}` : "";
    const near = nearestSteps(quantity, t, available).map((q) => formatQuantity(q, t.unit));
    return `Order in steps of ${formatQuantity(t.order_increment, t.unit)}${from}${near.length ? `: try ${near.join(" or ")}` : ""}.`;
  }
  return null;
}

/** "Minimum 10 m, then steps of 5 m", or null when the listing has neither. */
export function termsSummary(t: Pick<Terms, "unit" | "min_order_quantity" | "order_increment">): string | null {
  const parts: string[] = [];
  if (t.min_order_quantity) parts.push(`minimum ${formatQuantity(t.min_order_quantity, t.unit)}`);
  if (t.order_increment) parts.push(`${parts.length ? "then " : ""}steps of ${formatQuantity(t.order_increment, t.unit)}`);
  if (!parts.length) return null;
  const s = parts.join(", ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface TierRow {
  min_quantity: string;
  price: string;
}

/**
 * The listing form's checks of its tiers (as the server's): each `min_quantity` above the
 * previous one, each price below the previous (the first below the listing's price), and each
 * tier above the minimum on its steps. Keys are "price_tiers.<i>.<field>".
 */
export function tierErrors(price: number | null, tiers: Array<{ min_quantity: number | null; price: number | null }>, minimum: number | null, increment: number | null): Record<string, string> {
  const e: Record<string, string> = {};
  let prevQty = 0;
  let prevPrice = price;
  tiers.forEach((t, i) => {
    const key = `price_tiers.${i}`;
    if (t.min_quantity !== null) {
      if (milli(t.min_quantity) <= milli(prevQty)) e[`${key}.min_quantity`] = i === 0 ? "Must be above 0." : "Must be above the previous tier's quantity.";
      else if ((minimum === null || t.min_quantity > minimum) && !onStep(t.min_quantity, minimum, increment)) e[`${key}.min_quantity`] = "Must be the minimum order plus whole steps.";
      prevQty = t.min_quantity;
    }
    if (t.price !== null && prevPrice !== null) {
      if (Math.round(t.price * 100) >= Math.round(prevPrice * 100)) e[`${key}.price`] = i === 0 ? "Must be below the listing's price." : "Must be below the previous tier's price.";
    }
    if (t.price !== null) prevPrice = t.price;
  });
  return e;
}

// --- Offers ---------------------------------------------------------------------------------

export type Side = "buyer" | "seller";

export interface OfferLike {
  status: string;
  next_by?: Side | null;
  buyer: { user_id: string };
  seller: { user_id: string };
  rounds: Array<{ by: Side }>;
}

export interface OfferRights {
  /** The viewer's side, or null for someone else. */
  side: Side | null;
  counter: boolean;
  accept: boolean;
  decline: boolean;
  withdraw: boolean;
}

/**
 * What the viewer may do with an open offer: the party who did not make the last round
 * counters, accepts or declines it; the party who made it may withdraw it.
 */
export function offerRights(offer: OfferLike, viewerId: string | undefined): OfferRights {
  const side: Side | null = viewerId === offer.buyer.user_id ? "buyer" : viewerId === offer.seller.user_id ? "seller" : null;
  const none = { side, counter: false, accept: false, decline: false, withdraw: false };
  if (side === null || offer.status !== "open") return none;
  const last = offer.rounds[offer.rounds.length - 1]?.by ?? "buyer";
  const myTurn = offer.next_by ? offer.next_by === side : last !== side;
  return { side, counter: myTurn, accept: myTurn, decline: myTurn, withdraw: !myTurn };
}
