import { describe, expect, it } from "vitest";
import { PAGE_SIZE, activeFilterCount, countLabel, displayCurrencies, facetsApproximate, facetsOf, findsNone, mixedPriceUnits, resultsLabel, toMaterialQuery, withCount } from "./searchParams";
import keyCases from "./searchParams.cases.json";

const q = (s: string) => toMaterialQuery(new URLSearchParams(s));

describe("toMaterialQuery", () => {
  it("defaults to the first page of the page size", () => {
    expect(q("")).toEqual({ page: 1, limit: PAGE_SIZE });
  });

  it("keeps known keys, trimmed, and repeated material types", () => {
    expect(q("q=+organic+cotton+&material_type=cotton&material_type=linen&material_type=&source_type=deadstock&currency=EUR&origin_country=PT&certification=GOTS")).toEqual({
      q: "organic cotton",
      material_type: ["cotton", "linen"],
      source_type: "deadstock",
      currency: "EUR",
      origin_country: "PT",
      certification: "GOTS",
      page: 1,
      limit: PAGE_SIZE,
    });
  });

  it("drops unknown keys, invalid numbers and unknown sorts", () => {
    expect(q("seller=x&min_price=abc&max_price=&quantity=Infinity&sort=cheapest")).toEqual({ page: 1, limit: PAGE_SIZE });
  });

  it("parses prices, quantity and a known sort", () => {
    expect(q("min_price=2.5&max_price=10&quantity=100&sort=price_asc")).toMatchObject({ min_price: 2.5, max_price: 10, quantity: 100, sort: "price_asc" });
  });

  it("never asks for a page below 1 or a fractional page", () => {
    expect(q("page=0").page).toBe(1);
    expect(q("page=-3").page).toBe(1);
    expect(q("page=2.7").page).toBe(2);
  });
});

describe("activeFilterCount", () => {
  it("counts each filter key once, ignoring the text query, sort and page", () => {
    expect(activeFilterCount(new URLSearchParams("q=x&sort=newest&page=2"))).toBe(0);
    expect(activeFilterCount(new URLSearchParams("material_type=cotton&material_type=linen&min_price=1&origin_country="))).toBe(2);
  });
});

describe("display currency and facets", () => {
  it("sends the display currency of the URL, else the remembered one", () => {
    expect(toMaterialQuery(new URLSearchParams("display_currency=USD"), "GBP")).toMatchObject({ display_currency: "USD" });
    expect(toMaterialQuery(new URLSearchParams(""), "GBP")).toMatchObject({ display_currency: "GBP" });
    // An empty value in the URL means each listing's own currency, whatever was remembered.
    expect(toMaterialQuery(new URLSearchParams("display_currency="), "GBP")).not.toHaveProperty("display_currency");
    expect(toMaterialQuery(new URLSearchParams("display_currency=usd"))).not.toHaveProperty("display_currency");
  });

  it("offers only currencies with a reference rate, and drops any other", () => {
    const fx = { base: "EUR", rates: [{ currency: "USD" }, { currency: "EUR" }, { currency: "GBP" }] };
    expect(displayCurrencies(fx)).toEqual(["EUR", "GBP", "USD"]);
    expect(displayCurrencies({ base: "EUR", rates: [] })).toEqual([]);
    expect(toMaterialQuery(new URLSearchParams("display_currency=JPY"), null, ["EUR", "USD"])).not.toHaveProperty("display_currency");
    expect(toMaterialQuery(new URLSearchParams(""), "USD", [])).not.toHaveProperty("display_currency");
    expect(toMaterialQuery(new URLSearchParams(""), "USD", ["USD"])).toMatchObject({ display_currency: "USD" });
  });

  it("reads facets when the response has them, and labels values with counts", () => {
    const facets = facetsOf({ materials: [], facets: { source_type: [{ value: "deadstock", count: 12 }] } });
    expect(withCount("Deadstock", facets.source_type, "deadstock")).toBe("Deadstock (12)");
    expect(withCount("Surplus", facets.source_type, "surplus")).toBe("Surplus (0)");
    expect(withCount("Cotton", facets.material_type, "cotton")).toBe("Cotton");
    expect(facetsOf({ materials: [] })).toEqual({});
    expect(facetsOf(undefined)).toEqual({});
  });

  it("tells a value that would find nothing only when the facet has counts", () => {
    const facets = facetsOf({
      facets: {
        material_type: [
          { value: "cotton", count: 8 },
          { value: "nylon", count: 0 },
        ],
      },
    });
    expect(findsNone(facets.material_type, "cotton")).toBe(false);
    expect(findsNone(facets.material_type, "nylon")).toBe(true);
    expect(findsNone(facets.material_type, "hemp")).toBe(true);
    expect(findsNone(facets.source_type, "deadstock")).toBe(false);
  });
});

describe("trade filters", () => {
  it("sends samples, verified sellers, the unit, width, weight and colour from the URL", () => {
    expect(q("sample_available=true&verified_only=true&unit=m&min_width_cm=140&max_width_cm=160.5&min_weight_gsm=180&max_weight_gsm=300&color=+navy+")).toEqual({
      sample_available: true,
      verified_only: true,
      unit: "m",
      min_width_cm: 140,
      max_width_cm: 160.5,
      min_weight_gsm: 180,
      max_weight_gsm: 300,
      color: "navy",
      page: 1,
      limit: PAGE_SIZE,
    });
  });

  it("drops values the search would refuse", () => {
    expect(q("sample_available=yes&verified_only=1&unit=metre&min_width_cm=0&max_width_cm=-5&min_weight_gsm=heavy&color=+++")).toEqual({ page: 1, limit: PAGE_SIZE });
    expect(q("sample_available=false&verified_only=false")).toEqual({ page: 1, limit: PAGE_SIZE });
  });

  it("counts each trade filter as an active filter", () => {
    expect(activeFilterCount(new URLSearchParams("sample_available=true&verified_only=true&unit=kg&min_width_cm=1&max_weight_gsm=2&color=red"))).toBe(6);
  });
});

describe("approximate facet counts", () => {
  it("reads facets_approximate only when it is true", () => {
    expect(facetsApproximate({ facets_approximate: true })).toBe(true);
    expect(facetsApproximate({ facets_approximate: false })).toBe(false);
    expect(facetsApproximate({ facets_approximate: "true" })).toBe(false);
    expect(facetsApproximate(undefined)).toBe(false);
  });

  it("shows estimates as about two significant digits, exact counts in full", () => {
    expect(countLabel(1234)).toBe("1,234");
    expect(countLabel(1234, true)).toBe("about 1,200");
    expect(countLabel(98765, true)).toBe("about 99,000");
    expect(countLabel(57, true)).toBe("about 57");
    expect(countLabel(0, true)).toBe("0");
    const facets = facetsOf({ facets: { source_type: [{ value: "deadstock", count: 1187 }] } });
    expect(withCount("Deadstock", facets.source_type, "deadstock", true)).toBe("Deadstock (about 1,200)");
    expect(withCount("Deadstock", facets.source_type, "deadstock")).toBe("Deadstock (1,187)");
  });
});

describe("the results line", () => {
  it("counts exactly, or says the server stopped counting", () => {
    expect(resultsLabel({ total: 1, total_approximate: false })).toBe("1 material found");
    expect(resultsLabel({ total: 0, total_approximate: false })).toBe("0 materials found");
    expect(resultsLabel({ total: 9876, total_approximate: false })).toBe("9,876 materials found");
    expect(resultsLabel({ total: 10000, total_approximate: true })).toBe("10,000+ materials found");
    expect(resultsLabel({ total: 3 })).toBe("3 materials found");
  });
});

describe("mixed units under a price sort", () => {
  const page = [{ unit: "m" }, { unit: "kg" }, { unit: "m" }];
  it("names the units when a price sort mixes them", () => {
    expect(mixedPriceUnits(page, "price_asc")).toEqual(["kg", "m"]);
    expect(mixedPriceUnits(page, "price_desc")).toEqual(["kg", "m"]);
  });

  it("says nothing for one unit, or another sort", () => {
    expect(mixedPriceUnits([{ unit: "m" }, { unit: "m" }], "price_asc")).toBeNull();
    expect(mixedPriceUnits([], "price_asc")).toBeNull();
    expect(mixedPriceUnits(page, "newest")).toBeNull();
    expect(mixedPriceUnits(page, undefined)).toBeNull();
  });
});

// The server derives the same query from a search URL for the page's first paint and sends the
// results under this query key (backend seo/search_paint.py page_query reads these cases too):
// the page then makes no second search request.

describe("toMaterialQuery, as the server derives it for the first paint", () => {
  it.each(keyCases)("?$url", ({ url, available, key }) => {
    expect(toMaterialQuery(new URLSearchParams(url), null, available)).toStrictEqual(key);
  });
});
