import type { QueryClient, QueryKey } from "@tanstack/react-query";

/** The script element in which the server sends the data a page's first paint was made from
 * (seo/first_paint.py): a list of query cache entries, the API's own answers. */
export const SEED_ID = "fl-seed";

interface SeedEntry {
  key: QueryKey;
  data: unknown;
}

/** Starts the query cache with the data the server painted the page from, so React's first
 * render is the finished page (no placeholder, no second request while the data is fresh).
 * The element is removed once read: a later navigation fetches as usual. */
export function seedQueries(client: QueryClient, doc: Document = document): number {
  const element = doc.getElementById(SEED_ID);
  if (!element) return 0;
  element.remove();
  let entries: unknown;
  try {
    entries = JSON.parse(element.textContent ?? "");
  } catch {
    return 0;
  }
  if (!Array.isArray(entries)) return 0;
  let seeded = 0;
  for (const entry of entries as SeedEntry[]) {
    if (entry && Array.isArray(entry.key) && entry.data !== undefined && entry.data !== null) {
      client.setQueryData(entry.key, entry.data);
      seeded += 1;
    }
  }
  return seeded;
}
