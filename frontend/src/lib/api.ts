/** Helpers over the generated schema: schema type aliases and a response unwrapper. */
import type { components } from "@/api/schema";
import { authFetch } from "@/api/client";
import { ApiError, toApiError } from "./errors";

export type Schemas = components["schemas"];

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Return `data` of a successful openapi-fetch result, else throw an ApiError. */
export function unwrap<T>(result: FetchResult<T>): T {
  if (result.response.ok && result.error === undefined) return result.data as T;
  throw toApiError(result.response, result.error);
}

/** Wrap a network failure (fetch rejected) into an ApiError with status 0. */
export async function call<T>(fn: () => Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await fn();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw toApiError(undefined, undefined);
  }
  return unwrap(result);
}

/**
 * A JSON request through `authFetch`, for routes the generated client does not describe yet;
 * errors become an ApiError like every other call's.
 */
export async function requestJson<T>(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  opts: { body?: unknown; query?: Record<string, string | number | boolean | undefined> } = {},
): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== "") params.set(k, String(v));
  const url = params.size ? `${path}?${params}` : path;
  let res: Response;
  try {
    res = await authFetch(url, {
      method,
      headers: { Accept: "application/json", ...(opts.body !== undefined ? { "Content-Type": "application/json" } : {}) },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
  } catch {
    throw toApiError(undefined, undefined);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw toApiError(res, body);
  return body as T;
}
