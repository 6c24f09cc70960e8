import type { MaterialCreateBody, MaterialDetail, MetricsBody } from "@/lib/types";
import { tierErrors } from "@/lib/trade";
import { type Errors, parseDecimal, validateCountry, validateLength } from "@/lib/validation";

export interface CompositionRow {
  fibre: string;
  percent: string;
}
export interface CertificationRow {
  scheme: string;
  certificate_id: string;
  valid_until: string;
}
export interface SupplyRow {
  stage: string;
  company: string;
  country: string;
  date: string;
}
export interface ChemicalRow {
  name: string;
  cas_number: string;
  concentration_ppm: string;
}
export interface TierFormRow {
  min_quantity: string;
  price: string;
}
export interface LotFormRow {
  lot_code: string;
  quantity: string;
  grade: string;
  color: string;
  width_cm: string;
  weight_gsm: string;
}
export interface FormImage {
  image_id: string;
  url: string;
  thumbnail_url: string;
}

export interface MaterialFormState {
  title: string;
  description: string;
  material_type: string;
  source_type: string;
  quantity: string;
  unit: string;
  kg_per_unit: string;
  price: string;
  currency: string;
  min_order_quantity: string;
  order_increment: string;
  price_tiers: TierFormRow[];
  lots: LotFormRow[];
  sample_available: boolean;
  sample_price: string;
  sample_description: string;
  color: string;
  origin_country: string;
  manufacture_date: string;
  status: string;
  composition: CompositionRow[];
  certifications: CertificationRow[];
  supply_chain: SupplyRow[];
  images: FormImage[];
  carbon_footprint: string;
  water_usage: string;
  chemicals: ChemicalRow[];
}

export const MAX_IMAGES = 10;
const s = (v: string | number | null | undefined): string => (v === null || v === undefined ? "" : String(v));

export function emptyForm(): MaterialFormState {
  return {
    title: "",
    description: "",
    material_type: "",
    source_type: "deadstock",
    quantity: "",
    unit: "m",
    kg_per_unit: "",
    price: "",
    currency: "EUR",
    min_order_quantity: "",
    order_increment: "",
    price_tiers: [],
    lots: [],
    sample_available: false,
    sample_price: "",
    sample_description: "",
    color: "",
    origin_country: "",
    manufacture_date: "",
    status: "active",
    composition: [],
    certifications: [],
    supply_chain: [],
    images: [],
    carbon_footprint: "",
    water_usage: "",
    chemicals: [],
  };
}

export function formFromMaterial(m: MaterialDetail): MaterialFormState {
  const metrics = m.sustainability_metrics;
  return {
    title: m.title,
    description: s(m.description),
    material_type: m.material_type,
    source_type: m.source_type,
    quantity: s(m.quantity),
    unit: m.unit,
    kg_per_unit: s(m.kg_per_unit),
    price: s(m.price),
    currency: m.currency,
    min_order_quantity: s(m.min_order_quantity),
    order_increment: s(m.order_increment),
    price_tiers: m.price_tiers.map((t) => ({ min_quantity: s(t.min_quantity), price: s(t.price) })),
    lots: m.lots.map((l) => ({ lot_code: l.lot_code, quantity: s(l.quantity), grade: l.grade, color: s(l.color), width_cm: s(l.width_cm), weight_gsm: s(l.weight_gsm) })),
    sample_available: m.sample_available,
    sample_price: s(m.sample_price),
    sample_description: s(m.sample_description),
    color: s(m.color),
    origin_country: s(m.origin_country),
    manufacture_date: s(m.manufacture_date),
    status: m.status,
    composition: (m.composition ?? []).map((c) => ({ fibre: c.fibre, percent: s(c.percent) })),
    certifications: (m.certifications ?? []).map((c) => ({ scheme: c.scheme, certificate_id: c.certificate_id, valid_until: s(c.valid_until) })),
    supply_chain: (m.supply_chain ?? []).map((r) => ({ stage: r.stage, company: r.company, country: r.country, date: s(r.date) })),
    images: m.images.map((i) => ({ image_id: i.image_id, url: i.url, thumbnail_url: i.thumbnail_url })),
    carbon_footprint: s(metrics?.carbon_footprint),
    water_usage: s(metrics?.water_usage),
    chemicals: (metrics?.chemical_composition ?? []).map((c) => ({ name: c.name, cas_number: s(c.cas_number), concentration_ppm: s(c.concentration_ppm) })),
  };
}

const WHOLE_UNITS = ["roll", "piece"];
type Create = MaterialCreateBody;
type Stage = NonNullable<Create["supply_chain"]>[number]["stage"];

/** Validate and build the request body; returns [body, errors]. */
export function buildBody(f: MaterialFormState): [MaterialCreateBody | null, Errors] {
  const e: Errors = {};
  const put = (k: string, msg: string | null) => {
    if (msg) e[k] = msg;
  };
  put("title", validateLength(f.title, 3, 200, "Title"));
  if (f.description.length > 5000) e.description = "Description must be at most 5000 characters.";
  if (!f.material_type) e.material_type = "Choose a material type.";
  if (!f.unit) e.unit = "Choose a unit.";
  if (!f.currency) e.currency = "Choose a currency.";
  const whole = WHOLE_UNITS.includes(f.unit);
  const [lots, lotsTotal, lotErrors] = buildLots(f.lots, whole);
  Object.assign(e, lotErrors);
  const [typedQuantity, qErr] = parseDecimal(f.quantity, { decimals: 3, min: 0, exclusiveMin: true, label: "Quantity", required: !lots.length, integer: whole });
  if (!lots.length) put("quantity", qErr);
  // A listing sold by lot holds the sum of its lots.
  const quantity = lots.length ? lotsTotal : typedQuantity;
  const [price, pErr] = parseDecimal(f.price, { decimals: 2, min: 0, label: "Price", required: true });
  put("price", pErr);
  const [kgPerUnit, kErr] = parseDecimal(f.kg_per_unit, { decimals: 4, min: 0, exclusiveMin: true, label: "Weight per unit", required: f.unit !== "kg" });
  put("kg_per_unit", kErr);
  const [moq, mErr] = parseDecimal(f.min_order_quantity, { decimals: 3, min: 0, exclusiveMin: true, label: "Minimum order", integer: whole });
  put("min_order_quantity", mErr);
  if (moq !== null && quantity !== null && moq > quantity) e.min_order_quantity = "Minimum order cannot exceed the quantity.";
  const [increment, iErr] = parseDecimal(f.order_increment, { decimals: 3, min: 0, exclusiveMin: true, label: "Order step", integer: whole });
  put("order_increment", iErr);
  const tiers = f.price_tiers.map((t, i) => {
    const [q, qe] = parseDecimal(t.min_quantity, { decimals: 3, min: 0, exclusiveMin: true, label: "From quantity", required: true, integer: whole });
    if (qe) e[`price_tiers.${i}.min_quantity`] = qe;
    const [p, pe] = parseDecimal(t.price, { decimals: 2, min: 0, label: "Price", required: true });
    if (pe) e[`price_tiers.${i}.price`] = pe;
    return { min_quantity: q, price: p };
  });
  for (const [k, v] of Object.entries(tierErrors(price, tiers, moq, increment))) e[k] ??= v;
  const [samplePrice, spErr] = parseDecimal(f.sample_price, { decimals: 2, min: 0, label: "Sample price", required: f.sample_available });
  if (f.sample_available) {
    put("sample_price", spErr);
    put("sample_description", validateLength(f.sample_description, 1, 200, "Sample description"));
  }
  put("origin_country", validateCountry(f.origin_country));
  if (f.manufacture_date && f.manufacture_date > new Date().toISOString().slice(0, 10)) e.manufacture_date = "Cannot be in the future.";

  if (f.composition.length) {
    let sum = 0;
    f.composition.forEach((c, i) => {
      if (!c.fibre.trim()) e[`composition.${i}.fibre`] = "Fibre is required.";
      const [p, err] = parseDecimal(c.percent, { decimals: 2, min: 0, exclusiveMin: true, label: "Percent", required: true });
      if (err) e[`composition.${i}.percent`] = err;
      else if (p !== null) {
        if (p > 100) e[`composition.${i}.percent`] = "At most 100.";
        sum += p;
      }
    });
    if (Math.abs(sum - 100) > 0.001) e.composition = `Percentages must add up to 100 (now ${Math.round(sum * 100) / 100}).`;
  }
  f.certifications.forEach((c, i) => {
    if (!c.scheme.trim()) e[`certifications.${i}.scheme`] = "Scheme is required.";
    if (!c.certificate_id.trim()) e[`certifications.${i}.certificate_id`] = "Certificate ID is required.";
  });
  f.supply_chain.forEach((r, i) => {
    if (!r.stage) e[`supply_chain.${i}.stage`] = "Stage is required.";
    if (!r.company.trim()) e[`supply_chain.${i}.company`] = "Company is required.";
    const cErr = validateCountry(r.country, true);
    if (cErr) e[`supply_chain.${i}.country`] = cErr;
  });
  const [metrics, metricErrors] = buildMetrics(f);
  Object.assign(e, metricErrors);
  if (f.images.length > MAX_IMAGES) e.images = `At most ${MAX_IMAGES} images.`;
  if (Object.keys(e).length || quantity === null || price === null) return [null, e];

  const body: MaterialCreateBody = {
    title: f.title.trim(),
    description: f.description,
    material_type: f.material_type as Create["material_type"],
    source_type: (f.source_type || "deadstock") as NonNullable<Create["source_type"]>,
    quantity,
    unit: f.unit as Create["unit"],
    price,
    currency: f.currency as Create["currency"],
    composition: f.composition.map((c) => ({ fibre: c.fibre.trim(), percent: Number(c.percent) })),
    certifications: f.certifications.map((c) => ({ scheme: c.scheme.trim(), certificate_id: c.certificate_id.trim(), ...(c.valid_until ? { valid_until: c.valid_until } : {}) })),
    supply_chain: f.supply_chain.map((r) => ({ stage: r.stage as Stage, company: r.company.trim(), country: r.country.toUpperCase(), ...(r.date ? { date: r.date } : {}) })),
    images: f.images.map((i) => i.image_id),
    price_tiers: tiers.map((t) => ({ min_quantity: t.min_quantity!, price: t.price! })),
    lots,
    sample_available: f.sample_available,
  };
  if (lots.length) delete body.quantity;
  if (increment !== null) body.order_increment = increment;
  if (f.sample_available && samplePrice !== null) {
    body.sample_price = samplePrice;
    body.sample_description = f.sample_description.trim();
  }
  if (f.unit !== "kg" && kgPerUnit !== null) body.kg_per_unit = kgPerUnit;
  if (moq !== null) body.min_order_quantity = moq;
  if (f.color.trim()) body.color = f.color.trim();
  if (f.origin_country) body.origin_country = f.origin_country.toUpperCase();
  if (f.manufacture_date) body.manufacture_date = f.manufacture_date;
  if (metrics) body.sustainability_metrics = metrics;
  return [body, e];
}

type LotBody = NonNullable<Create["lots"]>[number];

/** The lots as sent, their total stock, and their errors ("lots.<i>.<field>"). */
export function buildLots(rows: LotFormRow[], whole: boolean): [LotBody[], number, Errors] {
  const e: Errors = {};
  const seen = new Set<string>();
  let totalMilli = 0;
  const lots = rows.map((r, i) => {
    const code = r.lot_code.trim();
    if (!code) e[`lots.${i}.lot_code`] = "Lot code is required.";
    else if (code.length > 64) e[`lots.${i}.lot_code`] = "At most 64 characters.";
    else if (seen.has(code)) e[`lots.${i}.lot_code`] = "Each lot code once.";
    seen.add(code);
    const [q, qe] = parseDecimal(r.quantity, { decimals: 3, min: 0, label: "Quantity", required: true, integer: whole });
    if (qe) e[`lots.${i}.quantity`] = qe;
    totalMilli += Math.round((q ?? 0) * 1000);
    if (r.grade !== "first" && r.grade !== "second") e[`lots.${i}.grade`] = "Choose a grade.";
    const [w, we] = parseDecimal(r.width_cm, { decimals: 2, min: 0, exclusiveMin: true, label: "Width" });
    if (we) e[`lots.${i}.width_cm`] = we;
    const [g, ge] = parseDecimal(r.weight_gsm, { decimals: 2, min: 0, exclusiveMin: true, label: "Weight" });
    if (ge) e[`lots.${i}.weight_gsm`] = ge;
    if (r.color.length > 100) e[`lots.${i}.color`] = "At most 100 characters.";
    return {
      lot_code: code,
      quantity: q ?? 0,
      grade: r.grade as LotBody["grade"],
      ...(r.color.trim() ? { color: r.color.trim() } : {}),
      ...(w !== null ? { width_cm: w } : {}),
      ...(g !== null ? { weight_gsm: g } : {}),
    };
  });
  if (rows.length && !Object.keys(e).length && totalMilli <= 0) e.lots = "The lots must hold some stock.";
  return [lots, totalMilli / 1000, e];
}

/** Metrics part of the form, or null when nothing was entered. */
export function buildMetrics(f: MaterialFormState): [MetricsBody | null, Errors] {
  const e: Errors = {};
  const [carbon, cErr] = parseDecimal(f.carbon_footprint, { decimals: 4, min: 0, label: "Carbon footprint" });
  if (cErr) e.carbon_footprint = cErr;
  const [water, wErr] = parseDecimal(f.water_usage, { decimals: 4, min: 0, label: "Water usage" });
  if (wErr) e.water_usage = wErr;
  const chemicals = f.chemicals.map((c, i) => {
    if (!c.name.trim()) e[`chemical_composition.${i}.name`] = "Name is required.";
    if (c.cas_number.trim() && !validCas(c.cas_number.trim())) e[`chemical_composition.${i}.cas_number`] = "Not a valid CAS number (e.g. 50-00-0).";
    const [ppm, pErr] = parseDecimal(c.concentration_ppm, { decimals: 4, min: 0, label: "Concentration" });
    if (pErr) e[`chemical_composition.${i}.concentration_ppm`] = pErr;
    return { name: c.name.trim(), ...(c.cas_number.trim() ? { cas_number: c.cas_number.trim() } : {}), ...(ppm !== null ? { concentration_ppm: ppm } : {}) };
  });
  if (carbon === null && water === null && chemicals.length === 0) return [null, e];
  return [{ carbon_footprint: carbon, water_usage: water, chemical_composition: chemicals }, e];
}

/** CAS Registry Number with its check digit, e.g. 50-00-0. */
export function validCas(v: string): boolean {
  const m = /^(\d{2,7})-(\d{2})-(\d)$/.exec(v);
  if (!m) return false;
  const digits = (m[1] + m[2]).split("").reverse();
  const sum = digits.reduce((acc, d, i) => acc + Number(d) * (i + 1), 0);
  return sum % 10 === Number(m[3]);
}
