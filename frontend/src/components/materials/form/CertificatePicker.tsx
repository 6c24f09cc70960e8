import { useState } from "react";
import { Link } from "react-router";
import { Button, controlClass } from "@/components/ui";
import { useMyCertificates } from "@/hooks/trust";
import { formatDate } from "@/lib/format";
import { referencable, referenceRow } from "@/lib/trust";
import type { CertificationRow } from "./formState";

/** Add a certification that references one of the seller's certificates on file (verified once approved). */
export function CertificatePicker({ rows, onAdd }: { rows: CertificationRow[]; onAdd: (row: CertificationRow) => void }) {
  const q = useMyCertificates();
  const [chosen, setChosen] = useState("");
  const used = new Set(rows.map((r) => r.certificate_id));
  const options = referencable(q.data?.certificates ?? []).filter((c) => !used.has(c.certificate_id));
  if (q.isPending || q.isError) return null;
  if (!q.data.certificates.length)
    return (
      <p className="text-xs text-stone-500">
        Certifications you type are shown as self-declared.{" "}
        <Link to="/account/certificates" className="font-medium text-brand-700 hover:underline">
          Upload a certificate
        </Link>{" "}
        for the operator to verify, then reference it here.
      </p>
    );
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="min-w-0 flex-1 space-y-1">
        <label htmlFor="certificate-on-file" className="block text-xs font-medium text-stone-600">
          Reference a certificate on file
        </label>
        <select id="certificate-on-file" className={controlClass(null)} value={chosen} onChange={(e) => setChosen(e.target.value)} disabled={!options.length}>
          <option value="">{options.length ? "Choose a certificate…" : "All your certificates are referenced"}</option>
          {options.map((c) => (
            <option key={c.certificate_id} value={c.certificate_id}>
              {c.scheme} {c.certificate_number} · {c.status === "approved" ? "approved" : c.status === "expired" ? "expired" : "pending review"} · until {formatDate(c.valid_until)}
            </option>
          ))}
        </select>
      </div>
      <Button
        variant="secondary"
        disabled={!chosen}
        onClick={() => {
          const c = options.find((o) => o.certificate_id === chosen);
          if (c) onAdd(referenceRow(c));
          setChosen("");
        }}
      >
        Add reference
      </Button>
    </div>
  );
}
