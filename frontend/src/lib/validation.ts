/** Client-side validation mirroring the OpenAPI schema. Each returns an error message or null. */
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const E164_RE = /^\+[1-9]\d{1,14}$/;
export const COUNTRY_RE = /^[A-Za-z]{2}$/;

export function validateEmail(v: string): string | null {
  if (!v.trim()) return "Email is required.";
  if (!EMAIL_RE.test(v.trim())) return "Enter a valid email address.";
  return null;
}

export function validatePassword(v: string): string | null {
  if (v.length < 8) return "At least 8 characters.";
  if (v.length > 128) return "At most 128 characters.";
  if (!/[A-Z]/.test(v)) return "Include an upper-case letter.";
  if (!/[a-z]/.test(v)) return "Include a lower-case letter.";
  if (!/\d/.test(v)) return "Include a digit.";
  return null;
}

export function validateLength(v: string, min: number, max: number, label: string): string | null {
  const n = v.trim().length;
  if (n < min) return min === 1 ? `${label} is required.` : `${label} must be at least ${min} characters.`;
  if (v.length > max) return `${label} must be at most ${max} characters.`;
  return null;
}

/** The example number of the phone hint and of its error, so that both show the same one. */
export const PHONE_HINT = "International format, e.g. +351912345678.";

export function validatePhone(v: string): string | null {
  if (!v) return null;
  if (!E164_RE.test(v)) return `Use ${PHONE_HINT.charAt(0).toLowerCase()}${PHONE_HINT.slice(1)}`;
  return null;
}

export function validateCountry(v: string, required = false): string | null {
  if (!v) return required ? "Country is required." : null;
  if (!COUNTRY_RE.test(v)) return "Use a 2-letter ISO country code, e.g. PT.";
  return null;
}

/** The digit-group and decimal separators of a locale: "," and "." in en-GB, "." and "," in de-DE. */
export function separators(locale: string): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  return { group: parts.find((p) => p.type === "group")?.value ?? ",", decimal: parts.find((p) => p.type === "decimal")?.value ?? "." };
}

const userLocale = (): string => (typeof navigator !== "undefined" && navigator.language) || "en-GB";
const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A non-negative number as typed in the user's locale, as plain text ("1250.5"), or null.
 * Takes the locale's digit grouping ("1,250" in en-GB, "1.250" in de-DE, "1 250" in fr-FR) and
 * decimal mark; a number without grouping may also use "." as the decimal point.
 */
export function normalizeNumber(v: string, locale: string = userLocale()): string | null {
  const s = v.trim();
  const { group, decimal } = separators(locale);
  const g = /\s/.test(group) ? "[\\s\\u00a0\\u202f]" : escape(group);
  const m = new RegExp(`^(\\d{1,3}(?:${g}\\d{3})+|\\d+)(?:${escape(decimal)}(\\d+))?$`).exec(s);
  if (m) return m[1].replace(/\D/g, "") + (m[2] ? `.${m[2]}` : "");
  return /^\d+(\.\d+)?$/.test(s) ? s : null;
}

/** A decimal with at most `decimals` fraction digits, typed in the user's locale; returns [number|null, error|null]. */
export function parseDecimal(
  v: string,
  opts: { decimals: number; min?: number; exclusiveMin?: boolean; label: string; required?: boolean; integer?: boolean; locale?: string },
): [number | null, string | null] {
  const typed = v.trim();
  if (!typed) return [null, opts.required ? `${opts.label} is required.` : null];
  const s = normalizeNumber(typed, opts.locale);
  if (s === null) return [null, `${opts.label} must be a number.`];
  const frac = s.split(".")[1]?.length ?? 0;
  if (opts.integer && frac > 0) return [null, `${opts.label} must be a whole number.`];
  if (frac > opts.decimals) return [null, `${opts.label}: at most ${opts.decimals} decimals.`];
  const n = Number(s);
  if (opts.min !== undefined) {
    if (opts.exclusiveMin ? n <= opts.min : n < opts.min) return [null, `${opts.label} must be ${opts.exclusiveMin ? "greater than" : "at least"} ${opts.min}.`];
  }
  return [n, null];
}

export type Errors = Record<string, string>;

export function hasErrors(e: Errors): boolean {
  return Object.keys(e).length > 0;
}
