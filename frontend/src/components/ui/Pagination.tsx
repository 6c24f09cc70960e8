import { Button } from "./Button";

interface Props {
  page: number;
  limit: number;
  total: number;
  /** `total` is a lower bound (the server stopped counting): there are more pages. */
  approximate?: boolean;
  onPageChange: (page: number) => void;
}

export function Pagination({ page, limit, total, approximate = false, onPageChange }: Props) {
  const pages = Math.max(1, Math.ceil(total / Math.max(1, limit)));
  if (total <= limit && page <= 1) return null;
  const from = total === 0 ? 0 : (page - 1) * limit + 1;
  const to = Math.min(total, page * limit);
  const more = approximate ? "+" : "";
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3 py-4 text-sm">
      <p className="text-stone-600">
        Showing <span className="font-medium text-stone-900">{from}</span>–<span className="font-medium text-stone-900">{to}</span> of{" "}
        <span className="font-medium text-stone-900">
          {total}
          {more}
        </span>
      </p>
      <div className="flex items-center gap-2">
        <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => onPageChange(page - 1)}>
          ← Previous
        </Button>
        <span className="px-1 text-stone-600" aria-current="page">
          Page {page} of {pages}
          {more}
        </span>
        <Button variant="secondary" size="sm" disabled={page >= pages && !approximate} onClick={() => onPageChange(page + 1)}>
          Next →
        </Button>
      </div>
    </nav>
  );
}
