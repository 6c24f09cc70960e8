import { describe, expect, it } from "vitest";
import cases from "./photos.cases.json";
import { photoSrcSet } from "./photos";

describe("photoSrcSet", () => {
  // The backend's first paint checks its photo_srcset against the same cases.
  it.each(cases)("$name", ({ image, srcset }) => {
    expect(photoSrcSet(image) ?? null).toBe(srcset);
  });
});
