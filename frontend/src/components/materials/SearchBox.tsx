import { type FormEvent } from "react";
import { Button, cx } from "@/components/ui";
import { useResettableState } from "@/hooks/useResettableState";

export function SearchBox({ initial = "", onSearch, size = "md", autoFocus }: { initial?: string; onSearch: (q: string) => void; size?: "md" | "lg"; autoFocus?: boolean }) {
  const [q, setQ] = useResettableState(initial, () => initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(q.trim());
  };
  // A plain search of /materials until the web app runs (in the first paint the server sends).
  return (
    <form role="search" action="/materials" onSubmit={submit} className="flex w-full gap-2">
      <label htmlFor="material-search" className="sr-only">
        Search materials
      </label>
      <input
        id="material-search"
        name="q"
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder="Search e.g. organic cotton jersey, recycled wool…"
        autoFocus={autoFocus}
        className={cx(
          "min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-4 text-stone-900 shadow-sm placeholder:text-stone-400 focus:border-brand-600 focus:outline-2 focus:outline-brand-600/30",
          size === "lg" ? "h-12 text-base" : "h-10 text-sm",
        )}
      />
      <Button type="submit" size={size === "lg" ? "lg" : "md"}>
        Search
      </Button>
    </form>
  );
}
