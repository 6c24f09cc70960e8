/**
 * The typed API client (openapi-fetch over the generated `schema.d.ts`), with auth middleware.
 *
 * The access token lives in memory only. The refresh token is an httpOnly, SameSite=Strict cookie
 * scoped to /api/auth, set by login and refresh; POST /api/auth/refresh reads it from there.
 * On a 401 the middleware tries one silent refresh (single-flight) and retries the request once;
 * if that fails it clears the session and hands over to the unauthorized handler (redirect to login).
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";

export type TokenResponse = paths["/api/auth/login"]["post"]["responses"][200]["content"]["application/json"];

let accessToken: string | null = null;
let onUnauthorized: (() => void) | null = null;
const tokenListeners = new Set<(token: string | null) => void>();

export function getAccessToken(): string | null {
  return accessToken;
}

// A hint, not a credential: whether this browser signed in and may hold a refresh cookie.
// Without it, a visitor's page load skips the refresh call that could only answer 401.
const SIGNED_IN_HINT = "fabricloop.signed-in";

export function mayHaveSession(): boolean {
  try {
    return window.localStorage.getItem(SIGNED_IN_HINT) === "1";
  } catch {
    return true;
  }
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
  try {
    if (token) window.localStorage.setItem(SIGNED_IN_HINT, "1");
    else window.localStorage.removeItem(SIGNED_IN_HINT);
  } catch {
    // Storage can be disabled; the session still works, with one refresh call per load.
  }
  for (const l of tokenListeners) l(token);
}

export function onTokenChange(listener: (token: string | null) => void): () => void {
  tokenListeners.add(listener);
  return () => tokenListeners.delete(listener);
}

/** Called (once per burst) when a request stays 401 after a refresh attempt. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

const AUTH_PATHS = ["/api/auth/login", "/api/auth/register", "/api/auth/refresh", "/api/auth/logout"];

function isAuthPath(url: string): boolean {
  const path = new URL(url, window.location.origin).pathname;
  return AUTH_PATHS.includes(path);
}

let refreshInFlight: Promise<TokenResponse | null> | null = null;

/** POST /api/auth/refresh with the cookie; stores the new access token. Single-flight. */
export function refreshSession(): Promise<TokenResponse | null> {
  if (!refreshInFlight) {
    refreshInFlight = (async () => {
      try {
        const res = await fetch("/api/auth/refresh", {
          method: "POST",
          credentials: "include",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: "{}",
        });
        if (!res.ok) return null;
        const data = (await res.json()) as TokenResponse;
        setAccessToken(data.token);
        return data;
      } catch {
        return null;
      } finally {
        // Let a later, independent refresh start once this one has settled.
        setTimeout(() => {
          refreshInFlight = null;
        }, 0);
      }
    })();
  }
  return refreshInFlight;
}

function handleUnauthorized(): void {
  setAccessToken(null);
  if (onUnauthorized) onUnauthorized();
  else {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(`/login?next=${next}`);
  }
}

function withToken(request: Request, token: string | null): Request {
  const headers = new Headers(request.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  else headers.delete("Authorization");
  return new Request(request, { headers });
}

/**
 * fetch() with the bearer token, one silent refresh and one retry on 401. Used for downloads and
 * anything openapi-fetch does not cover (uploads use XHR for progress, see hooks/images.ts).
 */
export async function authFetch(input: string, init: RequestInit = {}): Promise<Response> {
  const build = () => {
    const headers = new Headers(init.headers);
    if (accessToken) headers.set("Authorization", `Bearer ${accessToken}`);
    return fetch(input, { ...init, headers, credentials: "same-origin" });
  };
  const hadToken = accessToken !== null;
  const res = await build();
  if (res.status !== 401 || isAuthPath(input)) return res;
  const refreshed = await refreshSession();
  if (!refreshed) {
    if (hadToken) handleUnauthorized();
    return res;
  }
  const retry = await build();
  if (retry.status === 401) handleUnauthorized();
  return retry;
}

const pendingRetries = new Map<string, Request>();

const authMiddleware: Middleware = {
  onRequest({ request, id }) {
    const req = withToken(request, accessToken);
    if (!isAuthPath(req.url)) pendingRetries.set(id, req.clone());
    return req;
  },
  async onResponse({ request, response, id }) {
    const original = pendingRetries.get(id);
    pendingRetries.delete(id);
    if (response.status !== 401 || !original || isAuthPath(request.url)) return undefined;
    const hadToken = request.headers.has("Authorization");
    const refreshed = await refreshSession();
    if (!refreshed) {
      if (hadToken) handleUnauthorized();
      return undefined;
    }
    const retried = await fetch(withToken(original, refreshed.token));
    if (retried.status === 401) handleUnauthorized();
    return retried;
  },
  onError({ id }) {
    pendingRetries.delete(id);
    return undefined;
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(authMiddleware);
