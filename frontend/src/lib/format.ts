/** Display formatting. Numbers may arrive as JSON numbers or decimal strings. */
export type Numeric = number | string | null | undefined;

export function toNumber(v: Numeric): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

// Intl formatters are slow to make (a page of figures spent most of its render making them):
// each kind is made once and reused.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(undefined, options)));
  return format;
}

function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(undefined, options)));
  return format;
}

export function formatMoney(amount: Numeric, currency: string): string {
  const n = toNumber(amount);
  if (n === null) return "—";
  try {
    return numberFormat({ style: "currency", currency }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
}

export function formatNumber(v: Numeric, maxFractionDigits = 2): string {
  const n = toNumber(v);
  if (n === null) return "—";
  return numberFormat({ maximumFractionDigits: maxFractionDigits }).format(n);
}

/** "120 kg", "1 roll", "28 rolls" (counted units take a plural; measures don't). */
export function formatQuantity(v: Numeric, unit: string): string {
  const counted = (unit === "roll" || unit === "piece") && toNumber(v) !== 1;
  return `${formatNumber(v, 3)} ${counted ? `${unit}s` : unitLabel(unit)}`;
}

export function unitLabel(unit: string): string {
  return unit === "m2" ? "m²" : unit;
}

/** The unit as a heading over an amount: "pieces", "rolls", "kg", "m²". */
export function unitsLabel(unit: string): string {
  return unit === "roll" || unit === "piece" ? `${unit}s` : unitLabel(unit);
}

export function formatDate(v: string | null | undefined): string {
  if (!v) return "—";
  const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) return v;
  return dateFormat(v.length === 10 ? { dateStyle: "medium", timeZone: "UTC" } : { dateStyle: "medium" }).format(d);
}

export function formatDateTime(v: string | null | undefined): string {
  if (!v) return "—";
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  return dateFormat({ dateStyle: "medium", timeStyle: "short" }).format(d);
}

export function formatRelative(v: string | null | undefined): string {
  if (!v) return "";
  const d = new Date(v);
  const diff = (Date.now() - d.getTime()) / 1000;
  if (Number.isNaN(diff)) return "";
  if (diff < 60) return "just now";
  if (diff < 3600) return `${Math.floor(diff / 60)} min ago`;
  if (diff < 86400) return `${Math.floor(diff / 3600)} h ago`;
  if (diff < 7 * 86400) return `${Math.floor(diff / 86400)} d ago`;
  return formatDate(v);
}

/** A name closing a sentence: "Tessitura Verde S.r.l." takes no second full stop. */
export function endSentence(text: string): string {
  return /[.!?…]$/.test(text.trimEnd()) ? text : `${text}.`;
}

/** "recycled_polyester" -> "Recycled polyester" */
export function humanize(v: string | null | undefined): string {
  if (!v) return "—";
  const s = v.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

let regionNames: Intl.DisplayNames | undefined;

export function countryName(code: string | null | undefined): string {
  if (!code) return "—";
  try {
    regionNames ??= new Intl.DisplayNames(undefined, { type: "region" });
    return regionNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** What a measure with no figure reads as: never "0", never a unit after a dash. */
export const NOT_KNOWN = "Not known";

function measure(v: Numeric, digits: number, unit: string): string {
  return toNumber(v) === null ? NOT_KNOWN : `${formatNumber(v, digits)} ${unit}`;
}

export function formatKg(v: Numeric): string {
  return measure(v, 1, "kg");
}

export function formatCo2(v: Numeric): string {
  return measure(v, 1, "kg CO₂e");
}

export function formatLitres(v: Numeric): string {
  return measure(v, 0, "L");
}

/** 0..1 -> "12.5%" */
export function formatPercent(share: Numeric): string {
  const n = toNumber(share);
  if (n === null) return "—";
  return numberFormat({ style: "percent", maximumFractionDigits: 1 }).format(n);
}
