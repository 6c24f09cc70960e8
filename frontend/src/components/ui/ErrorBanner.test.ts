import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/errors";
import { ErrorBanner } from "./ErrorBanner";

const banner = (status: number) => renderToStaticMarkup(createElement(ErrorBanner, { error: new ApiError({ status, code: "X", message: "Something failed.", requestId: "4f2a9c" }) }));

describe("ErrorBanner", () => {
  it("shows the request reference for a server error", () => {
    expect(banner(500)).toContain("Reference: 4f2a9c");
    expect(banner(503)).toContain("Reference: 4f2a9c");
  });

  it("leaves the reference out of an ordinary mistake", () => {
    expect(banner(400)).not.toContain("4f2a9c");
    expect(banner(422)).not.toContain("Reference");
    expect(banner(422)).toContain("Something failed.");
  });
});
