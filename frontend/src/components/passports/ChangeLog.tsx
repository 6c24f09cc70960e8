import { formatDateTime, humanize } from "@/lib/format";
import type { Passport } from "@/lib/types";

type Change = Passport["changes"][number];

function summarize(fields: Change["fields"]): string {
  const keys = Object.keys(fields ?? {});
  if (!keys.length) return "";
  return keys.map((k) => humanize(k).toLowerCase()).join(", ");
}

/** The passport's audit trail: who changed what, and when (newest first). */
export function ChangeLog({ changes }: { changes: Passport["changes"] }) {
  if (!changes?.length) return <p className="text-sm text-stone-500">No changes recorded since the passport was issued.</p>;
  const rows = [...changes].sort((a, b) => b.changed_at.localeCompare(a.changed_at));
  return (
    <ol className="relative space-y-4 border-l-2 border-stone-200 pl-5">
      {rows.map((c) => {
        const fields = summarize(c.fields);
        return (
          <li key={c.change_id} className="relative">
            <span className="absolute -left-[1.6rem] top-1 size-3 rounded-full border-2 border-white bg-stone-400" aria-hidden="true" />
            <p className="text-sm font-medium text-stone-900">{humanize(c.kind)}</p>
            <p className="text-xs text-stone-500">
              {formatDateTime(c.changed_at)}
              {c.changed_by ? ` · ${c.changed_by.company_name}` : ""}
            </p>
            {fields && <p className="mt-0.5 text-sm text-stone-600">Changed: {fields}</p>}
          </li>
        );
      })}
    </ol>
  );
}
