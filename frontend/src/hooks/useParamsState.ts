import { useSearchParams } from "react-router";

/**
 * The page's query string as state: `set({key: value | null})` changes some keys and, unless
 * `page` is among them, goes back to the first page.
 */
export function useParamsState(): [URLSearchParams, (updates: Record<string, string | null>) => void] {
  const [params, setParams] = useSearchParams();
  const set = (updates: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(updates)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!("page" in updates)) next.delete("page");
    setParams(next);
  };
  return [params, set];
}

export function pageParam(params: URLSearchParams): number {
  return Math.max(1, Math.floor(Number(params.get("page"))) || 1);
}
