// The first paint of the landing page, sent by the server in its HTML (core/spa.py puts
// public/first-paint/<page>.html in place of the app shell's page outline): the page as the web
// app renders it before any data, here rendered by React itself, so the two cannot drift apart.
// The file is this test's snapshot: after changing the landing page, `npx vitest run -u`.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToStaticMarkup } from "react-dom/server";
import { MemoryRouter } from "react-router";
import { expect, test } from "vitest";
import { AuthContext, type AuthContextValue } from "@/components/auth/auth-context";
import LandingPage from "@/pages/LandingPage";

const anonymous: AuthContextValue = {
  status: "anonymous",
  user: null,
  startSession: () => Promise.reject(new Error("not in a static render")),
  endSession: () => undefined,
  notice: null,
  reloadUser: () => Promise.resolve(),
};

function firstPaint(page: React.ReactNode): string {
  return (
    renderToStaticMarkup(
      <QueryClientProvider client={new QueryClient()}>
        <AuthContext.Provider value={anonymous}>
          <MemoryRouter>{page}</MemoryRouter>
        </AuthContext.Provider>
      </QueryClientProvider>,
    ) + "\n"
  );
}

test("the landing page's first paint is the web app's own", async () => {
  const html = firstPaint(<LandingPage />);
  expect(html).toContain("<h1");
  await expect(html).toMatchFileSnapshot("../public/first-paint/index.html");
});
