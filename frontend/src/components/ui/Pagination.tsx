import { Button } from "./Button";

interface Props {
  page: number;
  limit: number;
  total: number;
  onPageChange: (page: number) => void;
}

export function Pagination({ page, limit, total, onPageChange }: Props) {
  const pages = Math.max(1, Math.ceil(total / Math.max(1, limit)));
  if (total <= limit && page <= 1) return null;
  const from = total === 0 ? 0 : (page - 1) * limit + 1;
  const to = Math.min(total, page * limit);
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3 py-4 text-sm">
      <p className="text-stone-600">
        Showing <span className="font-medium text-stone-900">{from}</span>–<span className="font-medium text-stone-900">{to}</span> of <span className="font-medium text-stone-900">{total}</span>
      </p>
      <div className="flex items-center gap-2">
        <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => onPageChange(page - 1)}>
          ← Previous
        </Button>
        <span className="px-1 text-stone-600" aria-current="page">
          Page {page} of {pages}
        </span>
        <Button variant="secondary" size="sm" disabled={page >= pages} onClick={() => onPageChange(page + 1)}>
          Next →
        </Button>
      </div>
    </nav>
  );
}
