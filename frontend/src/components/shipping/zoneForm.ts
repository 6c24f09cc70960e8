import type { ShippingProfile, ShippingProfileBody } from "@/lib/types";
import { parseDecimal } from "@/lib/validation";

/** A zone as edited: numbers stay text until saved. */
export interface ZoneForm {
  key: number;
  name: string;
  countries: string[];
  base_price: string;
  price_per_kg: string;
  free_over: string;
  transit_days_min: string;
  transit_days_max: string;
}

export interface ProfileForm {
  ships_from: string;
  handling_days: string;
  incoterm: ShippingProfileBody["incoterm"];
  pickup_available: boolean;
  zones: ZoneForm[];
}

let nextKey = 1;

export function emptyZone(): ZoneForm {
  return { key: nextKey++, name: "", countries: [], base_price: "", price_per_kg: "0", free_over: "", transit_days_min: "", transit_days_max: "" };
}

export function toForm(p: ShippingProfile | null): ProfileForm {
  if (!p) return { ships_from: "", handling_days: "2", incoterm: "DAP", pickup_available: false, zones: [emptyZone()] };
  return {
    ships_from: p.ships_from,
    handling_days: String(p.handling_days),
    incoterm: p.incoterm,
    pickup_available: p.pickup_available,
    zones: p.zones.map((z) => ({
      key: nextKey++,
      name: z.name,
      countries: [...z.countries],
      base_price: String(z.base_price),
      price_per_kg: String(z.price_per_kg),
      free_over: z.free_over === null ? "" : String(z.free_over),
      transit_days_min: String(z.transit_days_min),
      transit_days_max: String(z.transit_days_max),
    })),
  };
}

type Errors = Record<string, string>;

function money(text: string, field: string, errors: Errors, required = true): number | null {
  const [value, err] = parseDecimal(text, { decimals: 2, min: 0, label: "Amount", required });
  if (err) errors[field] = err;
  return value;
}

function days(text: string, field: string, errors: Errors, max: number): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < 0 || n > max) errors[field] = `A whole number of days, 0-${max}.`;
  return n;
}

/** The request body, or the problems keyed like the API's error fields (zones.0.base_price). */
export function toBody(f: ProfileForm): [ShippingProfileBody | null, Errors] {
  const errors: Errors = {};
  if (!f.ships_from) errors.ships_from = "Choose the country you ship from.";
  const handling = days(f.handling_days, "handling_days", errors, 60);
  const owner = new Map<string, number>();
  const zones = f.zones.map((z, i) => {
    const at = `zones.${i}`;
    if (!z.name.trim()) errors[`${at}.name`] = "Name the zone.";
    if (z.countries.length === 0) errors[`${at}.countries`] = "Add at least one country.";
    for (const c of z.countries) {
      const first = owner.get(c);
      if (first !== undefined && first !== i) errors[`${at}.countries`] = `${c} is already in zone ${first + 1}.`;
      else owner.set(c, i);
    }
    const min = days(z.transit_days_min, `${at}.transit_days_min`, errors, 365);
    const max = days(z.transit_days_max, `${at}.transit_days_max`, errors, 365);
    if (!errors[`${at}.transit_days_max`] && max < min) errors[`${at}.transit_days_max`] = "Must not be below the minimum.";
    return {
      name: z.name.trim(),
      countries: z.countries,
      base_price: money(z.base_price, `${at}.base_price`, errors) ?? 0,
      price_per_kg: money(z.price_per_kg, `${at}.price_per_kg`, errors) ?? 0,
      free_over: money(z.free_over, `${at}.free_over`, errors, false),
      transit_days_min: min,
      transit_days_max: max,
    };
  });
  if (Object.keys(errors).length) return [null, errors];
  return [{ ships_from: f.ships_from, handling_days: handling, incoterm: f.incoterm, pickup_available: f.pickup_available, zones }, errors];
}
