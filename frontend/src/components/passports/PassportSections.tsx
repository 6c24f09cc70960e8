import { Badge, ScrollRegion } from "@/components/ui";
import { countryName, formatDate, formatNumber, humanize } from "@/lib/format";
import type { MaterialDetail } from "@/lib/types";

type Composition = MaterialDetail["composition"];
type Certifications = MaterialDetail["certifications"];
type SupplyChain = MaterialDetail["supply_chain"];
type Chemicals = NonNullable<MaterialDetail["sustainability_metrics"]>["chemical_composition"];

export function CompositionBars({ composition }: { composition: Composition | null | undefined }) {
  if (!composition?.length) return <p className="text-sm text-stone-500">No composition declared.</p>;
  return (
    <ul className="space-y-2">
      {composition.map((c, i) => (
        <li key={i}>
          <div className="flex justify-between text-sm">
            <span className="text-stone-800">{humanize(c.fibre)}</span>
            <span className="font-medium text-stone-900">{formatNumber(c.percent, 2)}%</span>
          </div>
          <div className="mt-1 h-2 rounded-full bg-stone-100" aria-hidden="true">
            <div className="h-2 rounded-full bg-brand-500" style={{ width: `${Math.min(100, Number(c.percent))}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Each certification, marked verified (an approved, unexpired certificate) or self-declared. */
export function CertificationList({ certifications }: { certifications: Certifications | null | undefined }) {
  if (!certifications?.length) return <p className="text-sm text-stone-500">No certifications declared.</p>;
  return (
    <ul className="space-y-2">
      {certifications.map((c, i) => {
        const expired = c.valid_until ? new Date(c.valid_until) < new Date() : false;
        const verified = "verified" in c && c.verified === true;
        return (
          <li key={i} className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-stone-200 px-3 py-2 text-sm">
            <span className="flex flex-wrap items-center gap-2">
              <Badge tone={verified ? "green" : "neutral"}>{c.scheme}</Badge>
              <span className="text-stone-700">{UUID_RE.test(c.certificate_id) ? "Certificate on file" : c.certificate_id}</span>
              {verified ? <Badge tone="green">Verified by FabricLoop</Badge> : <span className="text-xs text-stone-500">Self-declared</span>}
            </span>
            <span className={expired ? "text-red-600" : "text-stone-500"}>{c.valid_until ? `${expired ? "Expired" : "Valid until"} ${formatDate(c.valid_until)}` : "No expiry given"}</span>
          </li>
        );
      })}
    </ul>
  );
}

export function SupplyChainTimeline({ steps }: { steps: SupplyChain | null | undefined }) {
  if (!steps?.length) return <p className="text-sm text-stone-500">No supply chain steps declared.</p>;
  return (
    <ol className="relative space-y-4 border-l-2 border-brand-100 pl-5">
      {steps.map((s, i) => (
        <li key={i} className="relative">
          <span className="absolute -left-[1.6rem] top-1 size-3 rounded-full border-2 border-white bg-brand-500" aria-hidden="true" />
          <p className="text-sm font-semibold text-stone-900">{humanize(s.stage)}</p>
          <p className="text-sm text-stone-600">
            {s.company} · {countryName(s.country)}
            {s.date ? ` · ${formatDate(s.date)}` : ""}
          </p>
        </li>
      ))}
    </ol>
  );
}

export function ChemicalTable({ chemicals }: { chemicals: Chemicals | null | undefined }) {
  if (!chemicals?.length) return <p className="text-sm text-stone-500">No chemical substances declared.</p>;
  return (
    <ScrollRegion label="Chemical substances">
      <table className="w-full text-left text-sm">
        <thead className="text-xs uppercase tracking-wide text-stone-500">
          <tr>
            <th className="py-2 pr-3 font-medium">Substance</th>
            <th className="py-2 pr-3 font-medium">CAS number</th>
            <th className="py-2 font-medium">Concentration</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {chemicals.map((c, i) => (
            <tr key={i}>
              <td className="py-2 pr-3 text-stone-900">{c.name}</td>
              <td className="py-2 pr-3 text-stone-600">{c.cas_number ?? "—"}</td>
              <td className="py-2 text-stone-600">{c.concentration_ppm !== null && c.concentration_ppm !== undefined ? `${formatNumber(c.concentration_ppm, 3)} ppm` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
