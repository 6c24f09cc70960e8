/**
 * The client's token handling against a fake server behind `fetch` (the network boundary):
 * one silent refresh per burst of 401s, one retry with the new token, and a sign-out when the
 * refresh fails.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

type Client = typeof import("./client");

interface FakeServer {
  validToken: string;
  refreshOk: boolean;
  refreshCalls: number;
  /** Refuse every token, even a fresh one (e.g. the account was just deactivated). */
  refuseAll: boolean;
  seen: Array<{ path: string; auth: string | null }>;
}

const NodeRequest = globalThis.Request;
let server: FakeServer;
let client: Client;
let assigned: string[];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request ? input : new Request(new URL(String(input), "http://app.test"), init);
  const path = new URL(request.url).pathname;
  const auth = request.headers.get("Authorization");
  server.seen.push({ path, auth });
  // Let concurrent requests interleave as they would over a network.
  await Promise.resolve();
  if (path === "/api/auth/refresh") {
    server.refreshCalls += 1;
    if (!server.refreshOk) return json(401, { error: { code: "INVALID_TOKEN", message: "No session" } });
    server.validToken = `token-${server.refreshCalls}`;
    return json(200, { token: server.validToken, token_type: "bearer", expires_in: 900 });
  }
  if (path === "/api/auth/login") return json(401, { error: { code: "INVALID_CREDENTIALS", message: "Wrong" } });
  if (server.refuseAll || auth !== `Bearer ${server.validToken}`) return json(401, { error: { code: "INVALID_TOKEN", message: "Expired" } });
  return json(200, { user_id: "u1", path });
}

beforeEach(async () => {
  server = { validToken: "fresh", refreshOk: true, refreshCalls: 0, refuseAll: false, seen: [] };
  assigned = [];
  const storage = new Map<string, string>();
  vi.stubGlobal("window", {
    location: { origin: "http://app.test", pathname: "/dashboard", search: "?tab=1", assign: (url: string) => assigned.push(url) },
    localStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
      removeItem: (k: string) => storage.delete(k),
    },
  });
  vi.stubGlobal("fetch", vi.fn(fakeFetch));
  // As in a browser, a request for "/api/..." is relative to the page's origin.
  vi.stubGlobal(
    "Request",
    class extends NodeRequest {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        super(typeof input === "string" ? new URL(input, "http://app.test") : input, init);
      }
    },
  );
  // A fresh module per test: the token, the single-flight refresh and the handler are module state.
  vi.resetModules();
  client = await import("./client");
});

const me = () => client.api.GET("/api/auth/me");

describe("api client token refresh", () => {
  it("sends the access token it holds", async () => {
    client.setAccessToken("fresh");
    const { data, response } = await me();
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ user_id: "u1" });
    expect(server.refreshCalls).toBe(0);
    expect(server.seen).toEqual([{ path: "/api/auth/me", auth: "Bearer fresh" }]);
  });

  it("refreshes an expired token once and retries the request with the new one", async () => {
    client.setAccessToken("expired");
    const { response } = await me();
    expect(response.status).toBe(200);
    expect(server.refreshCalls).toBe(1);
    expect(client.getAccessToken()).toBe("token-1");
    expect(server.seen.map((s) => `${s.path} ${s.auth}`)).toEqual(["/api/auth/me Bearer expired", "/api/auth/refresh null", "/api/auth/me Bearer token-1"]);
  });

  it("shares one refresh among concurrent 401s", async () => {
    client.setAccessToken("expired");
    const results = await Promise.all([me(), me(), me()]);
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
    expect(server.refreshCalls).toBe(1);
  });

  it("signs out and hands over to the handler when the refresh fails", async () => {
    const handler = vi.fn();
    const tokens: Array<string | null> = [];
    client.setUnauthorizedHandler(handler);
    client.setAccessToken("expired");
    client.onTokenChange((t) => tokens.push(t));
    server.refreshOk = false;
    const { response, error } = await me();
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ error: { code: "INVALID_TOKEN" } });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(client.getAccessToken()).toBeNull();
    expect(tokens).toEqual([null]);
    expect(client.mayHaveSession()).toBe(false);
  });

  it("signs out when the retried request is refused too", async () => {
    const handler = vi.fn();
    client.setUnauthorizedHandler(handler);
    client.setAccessToken("expired");
    server.refuseAll = true;
    const { response } = await me();
    expect(response.status).toBe(401);
    expect(server.refreshCalls).toBe(1);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(client.getAccessToken()).toBeNull();
  });

  it("without a handler, sends the user to sign in and back", async () => {
    client.setAccessToken("expired");
    server.refreshOk = false;
    await me();
    expect(assigned).toEqual([`/login?next=${encodeURIComponent("/dashboard?tab=1")}`]);
  });

  it("leaves an anonymous visitor alone when there is no session to refresh", async () => {
    const handler = vi.fn();
    client.setUnauthorizedHandler(handler);
    server.refreshOk = false;
    const { response } = await me();
    expect(response.status).toBe(401);
    expect(handler).not.toHaveBeenCalled();
  });

  it("never refreshes for the sign-in call itself", async () => {
    const { response } = await client.api.POST("/api/auth/login", { body: { email: "a@b.example", password: "Wrong1234" } });
    expect(response.status).toBe(401);
    expect(server.refreshCalls).toBe(0);
  });

  it("authFetch refreshes and retries the same way", async () => {
    client.setAccessToken("expired");
    const res = await client.authFetch("/api/reports/export");
    expect(res.status).toBe(200);
    expect(server.refreshCalls).toBe(1);
  });

  it("remembers that this browser signed in, for the next page load", () => {
    expect(client.mayHaveSession()).toBe(false);
    client.setAccessToken("fresh");
    expect(client.mayHaveSession()).toBe(true);
  });
});
