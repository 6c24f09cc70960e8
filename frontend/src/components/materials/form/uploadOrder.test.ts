import { describe, expect, it } from "vitest";
import { UploadOrder } from "./uploadOrder";

describe("UploadOrder", () => {
  it("releases uploads in the order chosen, whatever order they finish in", () => {
    const order = new UploadOrder<string>();
    ["1", "2", "3"].forEach((k) => order.add(k));
    expect(order.settle("2", "photo 2")).toEqual([]);
    expect(order.settle("1", "photo 1")).toEqual([
      { key: "1", value: "photo 1" },
      { key: "2", value: "photo 2" },
    ]);
    expect(order.settle("3", "photo 3")).toEqual([{ key: "3", value: "photo 3" }]);
    expect(order.waiting).toBe(0);
  });

  it("does not let a failed upload hold back the ones after it", () => {
    const order = new UploadOrder<string>();
    ["1", "2", "3"].forEach((k) => order.add(k));
    expect(order.settle("3", "photo 3")).toEqual([]);
    expect(order.settle("2", "photo 2")).toEqual([]);
    expect(order.settle("1", null)).toEqual([
      { key: "1", value: null },
      { key: "2", value: "photo 2" },
      { key: "3", value: "photo 3" },
    ]);
  });

  it("keeps later batches behind earlier ones", () => {
    const order = new UploadOrder<string>();
    order.add("a");
    order.add("b");
    expect(order.settle("b", "B")).toEqual([]);
    expect(order.waiting).toBe(2);
    expect(order.settle("a", "A").map((r) => r.value)).toEqual(["A", "B"]);
  });
});
