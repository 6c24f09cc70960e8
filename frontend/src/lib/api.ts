/** Helpers over the generated schema: schema type aliases and a response unwrapper. */
import type { components } from "@/api/schema";
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
