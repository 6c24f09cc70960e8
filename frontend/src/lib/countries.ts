/**
 * Every country input of the web app is a searchable list of country names that stores the ISO
 * 3166-1 alpha-2 code: typing "Austria" must never become "AU" (Australia). The codes are the
 * server's (backend core/countries.py; tests/core/test_countries_frontend.py keeps them equal);
 * the names come from the browser (Intl.DisplayNames), in English.
 */
const CODES = `
  AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ
  BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR
  CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
  GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
  ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ
  LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
  MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
  PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
  SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
  TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
`
  .trim()
  .split(/\s+/);

export interface Country {
  code: string;
  name: string;
}

interface Table {
  sorted: Country[];
  byName: Map<string, string>;
  byCode: Map<string, string>;
}

let table: Table | null = null;

/** The names, made on first use: Intl.DisplayNames takes tens of milliseconds to start, on the
 * main thread, and no page needs a country name for its first paint. */
function countries(): Table {
  if (!table) {
    const names = new Intl.DisplayNames(["en"], { type: "region" });
    const collator = new Intl.Collator("en");
    const sorted = CODES.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) => collator.compare(a.name, b.name));
    table = {
      sorted,
      byName: new Map(sorted.map((c) => [c.name.toLocaleLowerCase("en"), c.code])),
      byCode: new Map(sorted.map((c) => [c.code, c.name])),
    };
  }
  return table;
}

/** Every country, sorted by name. */
export function allCountries(): readonly Country[] {
  return countries().sorted;
}

/**
 * The ISO code of what was typed or picked: a country's full name (any case), or a code typed
 * in capitals ("DE"). Anything else, a prefix such as "Au" included, is no country (null).
 */
export function countryCode(text: string): string | null {
  const typed = text.trim();
  if (!typed) return null;
  const { byCode, byName } = countries();
  if (byCode.has(typed)) return typed;
  return byName.get(typed.toLocaleLowerCase("en")) ?? null;
}

/** The name shown for a code ("" for none; the code itself if unknown). */
export function countryLabel(code: string | null | undefined): string {
  if (!code) return "";
  return countries().byCode.get(code.toUpperCase()) ?? code;
}

/** The codes, for the test that keeps them equal to the server's. */
export const COUNTRY_CODES: readonly string[] = CODES;

/** Every country as a select option, by name. */
export function countryOptions(): Array<{ value: string; label: string }> {
  return allCountries().map((c) => ({ value: c.code, label: c.name }));
}

const REMEMBERED = "fabricloop.deliveryCountry";

/** The country a buyer last asked delivery to (kept in this browser), if any. */
export function rememberedCountry(): string | null {
  try {
    const code = localStorage.getItem(REMEMBERED);
    return code && countries().byCode.has(code) ? code : null;
  } catch {
    return null;
  }
}

export function rememberCountry(code: string): void {
  try {
    localStorage.setItem(REMEMBERED, code);
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
}
