import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vitest/config";

// Unit tests of the pure logic (validation, form state, search parameters, the API client's
// token refresh) and the first paint of the landing page. The pages are tested in a real
// browser by e2e/.
export default defineConfig({
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    environment: "node",
    restoreMocks: true,
    unstubGlobals: true,
  },
});
