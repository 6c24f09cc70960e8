import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MaterialDetail } from "@/lib/types";
import { type MaterialFormState, MAX_IMAGES, buildBody, buildMetrics, emptyForm, formFromMaterial, validCas } from "./formState";

const filled = (over: Partial<MaterialFormState> = {}): MaterialFormState => ({
  ...emptyForm(),
  title: "  Organic cotton poplin  ",
  material_type: "cotton",
  quantity: "120",
  unit: "m",
  kg_per_unit: "0.12",
  price: "4.50",
  ...over,
});

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-06-15T12:00:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

describe("buildBody", () => {
  it("reports every required field of an empty form", () => {
    const [body, errors] = buildBody(emptyForm());
    expect(body).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(["kg_per_unit", "material_type", "price", "quantity", "title"]);
  });

  it("builds a trimmed body with numbers, and omits empty optional fields", () => {
    const [body, errors] = buildBody(filled({ origin_country: "pt", color: " navy " }));
    expect(errors).toEqual({});
    expect(body).toEqual({
      title: "Organic cotton poplin",
      description: "",
      material_type: "cotton",
      source_type: "deadstock",
      quantity: 120,
      unit: "m",
      price: 4.5,
      currency: "EUR",
      kg_per_unit: 0.12,
      color: "navy",
      origin_country: "PT",
      composition: [],
      certifications: [],
      supply_chain: [],
      images: [],
      price_tiers: [],
      lots: [],
      sample_available: false,
    });
  });

  it("does not need or send a weight per unit for kilograms", () => {
    const [body, errors] = buildBody(filled({ unit: "kg", kg_per_unit: "" }));
    expect(errors).toEqual({});
    expect(body).not.toHaveProperty("kg_per_unit");
  });

  it("wants whole numbers for rolls and a minimum order within the quantity", () => {
    expect(buildBody(filled({ unit: "roll", quantity: "2.5" }))[1].quantity).toBe("Quantity must be a whole number.");
    expect(buildBody(filled({ min_order_quantity: "500" }))[1].min_order_quantity).toBe("Minimum order cannot exceed the quantity.");
  });

  it("refuses a manufacture date after today (by the clock)", () => {
    expect(buildBody(filled({ manufacture_date: "2026-06-16" }))[1].manufacture_date).toBe("Cannot be in the future.");
    expect(buildBody(filled({ manufacture_date: "2026-06-15" }))[1]).toEqual({});
  });

  it("checks that the composition adds up to 100", () => {
    const [, errors] = buildBody(
      filled({
        composition: [
          { fibre: "cotton", percent: "60" },
          { fibre: "", percent: "30.5" },
        ],
      }),
    );
    expect(errors.composition).toBe("Percentages must add up to 100 (now 90.5).");
    expect(errors["composition.1.fibre"]).toBe("Fibre is required.");
    const [body] = buildBody(
      filled({
        composition: [
          { fibre: "cotton ", percent: "60" },
          { fibre: "elastane", percent: "40" },
        ],
      }),
    );
    expect(body?.composition).toEqual([
      { fibre: "cotton", percent: 60 },
      { fibre: "elastane", percent: 40 },
    ]);
  });

  it("keys row errors by row and field, as the API does", () => {
    const [, errors] = buildBody(
      filled({
        certifications: [{ scheme: "", certificate_id: " ", valid_until: "" }],
        supply_chain: [{ stage: "", company: "Mill", country: "Portugal", date: "" }],
      }),
    );
    expect(errors).toEqual({
      "certifications.0.scheme": "Scheme is required.",
      "certifications.0.certificate_id": "Certificate ID is required.",
      "supply_chain.0.stage": "Stage is required.",
      "supply_chain.0.country": "Use a 2-letter ISO country code, e.g. PT.",
    });
  });

  it("limits the number of images", () => {
    const images = Array.from({ length: MAX_IMAGES + 1 }, (_, i) => ({ image_id: `i${i}`, url: "", thumbnail_url: "" }));
    expect(buildBody(filled({ images }))[1].images).toBe(`At most ${MAX_IMAGES} images.`);
  });
});

describe("buildMetrics", () => {
  it("is null when nothing was entered", () => {
    expect(buildMetrics(emptyForm())).toEqual([null, {}]);
  });

  it("sends the figures and substances entered", () => {
    const [metrics, errors] = buildMetrics(filled({ carbon_footprint: "2.1", chemicals: [{ name: " Formaldehyde ", cas_number: "50-00-0", concentration_ppm: "" }] }));
    expect(errors).toEqual({});
    expect(metrics).toEqual({ carbon_footprint: 2.1, water_usage: null, chemical_composition: [{ name: "Formaldehyde", cas_number: "50-00-0" }] });
  });

  it("rejects a CAS number with a wrong check digit", () => {
    const [, errors] = buildMetrics(filled({ chemicals: [{ name: "X", cas_number: "50-00-1", concentration_ppm: "-3" }] }));
    expect(errors["chemical_composition.0.cas_number"]).toMatch(/Not a valid CAS number/);
    expect(errors["chemical_composition.0.concentration_ppm"]).toBe("Concentration must be a number.");
  });
});

describe("validCas", () => {
  it.each([
    ["50-00-0", true],
    ["7732-18-5", true],
    ["7732-18-4", false],
    ["50000", false],
  ])("%s -> %s", (v, ok) => expect(validCas(v)).toBe(ok));
});

describe("formFromMaterial", () => {
  it("turns a listing into form text that builds the same body back", () => {
    const material = {
      material_id: "m1",
      title: "Recycled wool",
      description: null,
      material_type: "wool",
      source_type: "recycled",
      quantity: 40,
      unit: "kg",
      kg_per_unit: null,
      price: 12,
      currency: "EUR",
      min_order_quantity: 5,
      order_increment: 2.5,
      price_tiers: [{ min_quantity: 10, price: 11 }],
      lots: [],
      sample_available: true,
      sample_price: 0,
      sample_description: "A4 swatch",
      color: null,
      origin_country: "IT",
      manufacture_date: null,
      status: "active",
      composition: [{ fibre: "wool", percent: 100 }],
      certifications: [],
      supply_chain: [],
      images: [{ image_id: "img1", url: "/media/a.jpg", thumbnail_url: "/media/a_t.jpg" }],
      sustainability_metrics: { carbon_footprint: 1.5, water_usage: null, chemical_composition: [] },
    } as unknown as MaterialDetail;
    const form = formFromMaterial(material);
    expect(form).toMatchObject({ description: "", quantity: "40", kg_per_unit: "", carbon_footprint: "1.5", water_usage: "", composition: [{ fibre: "wool", percent: "100" }] });
    const [body, errors] = buildBody(form);
    expect(errors).toEqual({});
    expect(body).toMatchObject({ quantity: 40, min_order_quantity: 5, price: 12, origin_country: "IT", images: ["img1"], sustainability_metrics: { carbon_footprint: 1.5 } });
    expect(body).toMatchObject({ order_increment: 2.5, price_tiers: [{ min_quantity: 10, price: 11 }], lots: [], sample_available: true, sample_price: 0, sample_description: "A4 swatch" });
  });
});

describe("terms of sale", () => {
  it("sends tiers and an increment, checked as the server checks them", () => {
    const [body, errors] = buildBody(filled({ min_order_quantity: "10", order_increment: "5", price_tiers: [{ min_quantity: "50", price: "4" }] }));
    expect(errors).toEqual({});
    expect(body).toMatchObject({ min_order_quantity: 10, order_increment: 5, price_tiers: [{ min_quantity: 50, price: 4 }] });
  });

  it("refuses tiers off the steps, not ascending or not cheaper", () => {
    const [body, errors] = buildBody(
      filled({
        min_order_quantity: "10",
        order_increment: "5",
        price_tiers: [
          { min_quantity: "52", price: "4" },
          { min_quantity: "20", price: "5" },
        ],
      }),
    );
    expect(body).toBeNull();
    expect(errors["price_tiers.0.min_quantity"]).toBe("Must be the minimum order plus whole steps.");
    expect(errors["price_tiers.1.min_quantity"]).toBe("Must be above the previous tier's quantity.");
    expect(errors["price_tiers.1.price"]).toBe("Must be below the previous tier's price.");
  });

  it("sells by lot: the quantity is their sum and is not sent", () => {
    const lot = (code: string, quantity: string) => ({ lot_code: code, quantity, grade: "first", color: "", width_cm: "", weight_gsm: "" });
    const [body, errors] = buildBody(filled({ quantity: "", lots: [lot("R1", "30"), { ...lot("R2", "20.5"), grade: "second", width_cm: "150" }] }));
    expect(errors).toEqual({});
    expect(body?.quantity).toBeUndefined();
    expect(body?.lots).toEqual([
      { lot_code: "R1", quantity: 30, grade: "first" },
      { lot_code: "R2", quantity: 20.5, grade: "second", width_cm: 150 },
    ]);
  });

  it("refuses duplicate lot codes and empty lots", () => {
    const lot = (code: string, quantity: string) => ({ lot_code: code, quantity, grade: "first", color: "", width_cm: "", weight_gsm: "" });
    expect(buildBody(filled({ lots: [lot("R1", "3"), lot("R1", "4")] }))[1]["lots.1.lot_code"]).toBe("Each lot code once.");
    expect(buildBody(filled({ lots: [lot("R1", "0")] }))[1].lots).toBe("The lots must hold some stock.");
    expect(buildBody(filled({ lots: [lot("", "x")] }))[1]).toMatchObject({ "lots.0.lot_code": "Lot code is required.", "lots.0.quantity": "Quantity must be a number." });
  });

  it("wants a price and a description for samples", () => {
    const [, errors] = buildBody(filled({ sample_available: true }));
    expect(errors).toMatchObject({ sample_price: "Sample price is required.", sample_description: "Sample description is required." });
    const [body] = buildBody(filled({ sample_available: true, sample_price: "0", sample_description: "A4 swatch" }));
    expect(body).toMatchObject({ sample_available: true, sample_price: 0, sample_description: "A4 swatch" });
  });
});
