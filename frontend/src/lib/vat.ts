/**
 * VAT number formats by country (the EU's VIES formats, GB, CH and NO), as the server checks
 * them: a hint while typing and a message before the form is sent. The server stays the judge.
 */

interface VatFormat {
  /** The prefix a number carries in VIES ("EL" for Greece, "CHE" for Switzerland). */
  prefix: string;
  /** The part after the prefix, separators removed. */
  body: RegExp;
  /** An example, as a user would type it. */
  example: string;
  /** What the body is, in words. */
  shape: string;
}

const FORMATS: Record<string, VatFormat> = {
  AT: { prefix: "ATU", body: /^\d{8}$/, example: "ATU12345678", shape: "ATU followed by 8 digits" },
  BE: { prefix: "BE", body: /^[01]\d{9}$/, example: "BE0123456789", shape: "BE followed by 10 digits starting with 0 or 1" },
  BG: { prefix: "BG", body: /^\d{9,10}$/, example: "BG123456789", shape: "BG followed by 9 or 10 digits" },
  CY: { prefix: "CY", body: /^\d{8}[A-Z]$/, example: "CY12345678X", shape: "CY followed by 8 digits and a letter" },
  CZ: { prefix: "CZ", body: /^\d{8,10}$/, example: "CZ12345678", shape: "CZ followed by 8 to 10 digits" },
  DE: { prefix: "DE", body: /^\d{9}$/, example: "DE123456789", shape: "DE followed by 9 digits" },
  DK: { prefix: "DK", body: /^\d{8}$/, example: "DK12345678", shape: "DK followed by 8 digits" },
  EE: { prefix: "EE", body: /^\d{9}$/, example: "EE123456789", shape: "EE followed by 9 digits" },
  GR: { prefix: "EL", body: /^\d{9}$/, example: "EL123456789", shape: "EL followed by 9 digits" },
  ES: { prefix: "ES", body: /^[A-Z0-9]\d{7}[A-Z0-9]$/, example: "ESX1234567X", shape: "ES followed by 9 characters: a letter or digit, 7 digits, a letter or digit" },
  FI: { prefix: "FI", body: /^\d{8}$/, example: "FI12345678", shape: "FI followed by 8 digits" },
  FR: { prefix: "FR", body: /^[0-9A-HJ-NP-Z]{2}\d{9}$/, example: "FR12345678901", shape: "FR followed by 2 letters or digits and 9 digits" },
  HR: { prefix: "HR", body: /^\d{11}$/, example: "HR12345678901", shape: "HR followed by 11 digits" },
  HU: { prefix: "HU", body: /^\d{8}$/, example: "HU12345678", shape: "HU followed by 8 digits" },
  IE: { prefix: "IE", body: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/, example: "IE1234567T", shape: "IE followed by 7 digits and 1 or 2 letters" },
  IT: { prefix: "IT", body: /^\d{11}$/, example: "IT12345678901", shape: "IT followed by 11 digits" },
  LT: { prefix: "LT", body: /^(\d{9}|\d{12})$/, example: "LT123456789", shape: "LT followed by 9 or 12 digits" },
  LU: { prefix: "LU", body: /^\d{8}$/, example: "LU12345678", shape: "LU followed by 8 digits" },
  LV: { prefix: "LV", body: /^\d{11}$/, example: "LV12345678901", shape: "LV followed by 11 digits" },
  MT: { prefix: "MT", body: /^\d{8}$/, example: "MT12345678", shape: "MT followed by 8 digits" },
  NL: { prefix: "NL", body: /^\d{9}B\d{2}$/, example: "NL123456789B01", shape: "NL followed by 9 digits, B and 2 digits" },
  PL: { prefix: "PL", body: /^\d{10}$/, example: "PL1234567890", shape: "PL followed by 10 digits" },
  PT: { prefix: "PT", body: /^\d{9}$/, example: "PT123456789", shape: "PT followed by 9 digits" },
  RO: { prefix: "RO", body: /^\d{2,10}$/, example: "RO1234567890", shape: "RO followed by 2 to 10 digits" },
  SE: { prefix: "SE", body: /^\d{10}01$/, example: "SE123456789001", shape: "SE followed by 12 digits ending in 01" },
  SI: { prefix: "SI", body: /^\d{8}$/, example: "SI12345678", shape: "SI followed by 8 digits" },
  SK: { prefix: "SK", body: /^\d{10}$/, example: "SK1234567890", shape: "SK followed by 10 digits" },
  GB: { prefix: "GB", body: /^(\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2})$/, example: "GB123456789", shape: "GB followed by 9 or 12 digits" },
  CH: { prefix: "CHE", body: /^\d{9}(MWST|TVA|IVA)?$/, example: "CHE-123.456.789 MWST", shape: "CHE followed by 9 digits (MWST, TVA or IVA may follow)" },
  NO: { prefix: "NO", body: /^\d{9}(MVA)?$/, example: "NO123456789MVA", shape: "NO followed by 9 digits (MVA may follow)" },
};

/** Upper case, without the spaces, dots, dashes and slashes people type between groups. */
export function normalizeVat(value: string): string {
  return value.toUpperCase().replace(/[\s.\-/]/g, "");
}

/** Whether FabricLoop knows the VAT format of this country. */
export function hasVatFormat(country: string): boolean {
  return country.toUpperCase() in FORMATS;
}

/** "DE followed by 9 digits, e.g. DE123456789", or null for a country without a known format. */
export function vatHint(country: string): string | null {
  const f = FORMATS[country.toUpperCase()];
  return f ? `${f.shape}, e.g. ${f.example}` : null;
}

/**
 * Check a VAT number against its country's format. Empty is fine (the number is optional);
 * the country prefix may be left out before a digit. Returns a message, or null when it fits.
 */
export function validateVat(value: string, country: string, countryName = country): string | null {
  const v = normalizeVat(value);
  if (!v) return null;
  if (v.length > 20) return "A VAT number has at most 20 characters.";
  const f = FORMATS[country.toUpperCase()];
  if (!f) return /^[A-Z0-9]+$/.test(v) ? null : "Use letters and digits only.";
  // Without its prefix a number must start with a digit: "DE123456789" is not a French number.
  const body = v.startsWith(f.prefix) ? v.slice(f.prefix.length) : /^\d/.test(v) ? v : null;
  if (body !== null && f.body.test(body)) return null;
  return `This is not a ${countryName} VAT number: use ${f.shape}, e.g. ${f.example}.`;
}
