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

export function validatePhone(v: string): string | null {
  if (!v) return null;
  if (!E164_RE.test(v)) return "Use international format, e.g. +4915112345678.";
  return null;
}

export function validateCountry(v: string, required = false): string | null {
  if (!v) return required ? "Country is required." : null;
  if (!COUNTRY_RE.test(v)) return "Use a 2-letter ISO country code, e.g. PT.";
  return null;
}

/** A decimal with at most `decimals` fraction digits; returns [number|null, error|null]. */
export function parseDecimal(v: string, opts: { decimals: number; min?: number; exclusiveMin?: boolean; label: string; required?: boolean; integer?: boolean }): [number | null, string | null] {
  const s = v.trim();
  if (!s) return [null, opts.required ? `${opts.label} is required.` : null];
  if (!/^\d+(\.\d+)?$/.test(s)) return [null, `${opts.label} must be a number.`];
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
