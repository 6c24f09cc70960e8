import { describe, expect, it } from "vitest";
import { toMaterialQuery } from "@/components/materials/searchParams";
import { savedQueryOf, searchPathOf } from "./savedSearches";

describe("saved searches", () => {
  it("keep the filters, not the page", () => {
    expect(savedQueryOf({ q: "denim", material_type: ["cotton"], page: 3, limit: 12 })).toEqual({ q: "denim", material_type: ["cotton"] });
  });

  it("open as the search page with the same query", () => {
    const path = searchPathOf({ q: "denim twill", material_type: ["cotton", "recycled_cotton"], min_price: 2.5, origin_country: "PT" });
    expect(path).toBe("/materials?q=denim+twill&material_type=cotton&material_type=recycled_cotton&min_price=2.5&origin_country=PT");
    const query = toMaterialQuery(new URLSearchParams(path.split("?")[1]));
    expect(query).toMatchObject({ q: "denim twill", material_type: ["cotton", "recycled_cotton"], min_price: 2.5, origin_country: "PT" });
    expect(searchPathOf({})).toBe("/materials");
  });
});
