import { QueryClient } from "@tanstack/react-query";
import { expect, test } from "vitest";
import { SEED_ID, seedQueries } from "./seed";

/** The one element seedQueries reads, as the server writes it (seo/first_paint.py). */
function page(text: string | null) {
  let present = text !== null;
  const element = { textContent: text, remove: () => (present = false) };
  return {
    doc: { getElementById: (id: string) => (id === SEED_ID && present ? element : null) } as unknown as Document,
    present: () => present,
  };
}

test("the server's data starts the query cache, fresh, and is read once", () => {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: 15_000 } } });
  const detail = { material_id: "m1", title: "</script> & <b>linen</b>" };
  const { doc, present } = page(JSON.stringify([{ key: ["materials", "detail", "m1"], data: detail }]).replace(/</g, "\\u003c"));
  expect(seedQueries(client, doc)).toBe(1);
  expect(client.getQueryData(["materials", "detail", "m1"])).toEqual(detail);
  expect(client.getQueryState(["materials", "detail", "m1"])?.status).toBe("success");
  expect(present()).toBe(false);
  expect(seedQueries(client, doc)).toBe(0);
});

test("no element, broken JSON or odd entries seed nothing", () => {
  const client = new QueryClient();
  expect(seedQueries(client, page(null).doc)).toBe(0);
  expect(seedQueries(client, page("{not json").doc)).toBe(0);
  expect(seedQueries(client, page('{"key": ["a"]}').doc)).toBe(0);
  expect(seedQueries(client, page('[{"key": "a", "data": 1}, {"key": ["b"], "data": null}]').doc)).toBe(0);
  expect(client.getQueryCache().getAll()).toHaveLength(0);
});
