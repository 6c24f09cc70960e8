import { Card, CardBody, CardHeader, Input } from "@/components/ui";
import { humanize } from "@/lib/format";
import { CertificatePicker } from "./CertificatePicker";
import { RowsEditor } from "./RowsEditor";
import { type SectionProps, options, textSetter } from "./sections";

/** Fibre shares and certificates. */
export function CompositionFields({ form: f, set, errors, vocab: t }: SectionProps) {
  return (
    <Card>
      <CardHeader title="Composition and certifications" />
      <CardBody className="space-y-6">
        <datalist id="fibres">
          {(t?.material_types ?? []).map((m) => (
            <option key={m} value={m} label={humanize(m)} />
          ))}
        </datalist>
        <RowsEditor
          legend="Composition"
          description="Fibre shares; they must add up to 100%."
          rows={f.composition}
          columns={[
            { key: "fibre", label: "Fibre", list: "fibres", placeholder: "e.g. cotton" },
            { key: "percent", label: "Percent", type: "decimal", placeholder: "e.g. 60" },
          ]}
          empty={() => ({ fibre: "", percent: "" })}
          onChange={(rows) => set("composition", rows)}
          errors={errors}
          prefix="composition"
          addLabel="Add fibre"
        />
        <RowsEditor
          legend="Certifications"
          description="A typed certificate number is self-declared; a reference to an approved certificate on file shows as verified."
          rows={f.certifications}
          columns={[
            { key: "scheme", label: "Scheme", type: "select", options: (t?.certification_schemes ?? []).map((c) => ({ value: c, label: c })) },
            { key: "certificate_id", label: "Certificate number or reference" },
            { key: "valid_until", label: "Valid until", type: "date" },
          ]}
          empty={() => ({ scheme: "", certificate_id: "", valid_until: "" })}
          onChange={(rows) => set("certifications", rows)}
          errors={errors}
          prefix="certifications"
          addLabel="Add certification"
        />
        <CertificatePicker rows={f.certifications} onAdd={(row) => set("certifications", [...f.certifications, row])} />
      </CardBody>
    </Card>
  );
}

/** The stages of the supply chain. */
export function SupplyChainFields({ form: f, set, errors, vocab: t }: SectionProps) {
  return (
    <Card>
      <CardHeader title="Supply chain" description="Where and by whom the material was made." />
      <CardBody>
        <RowsEditor
          legend="Stages"
          rows={f.supply_chain}
          columns={[
            { key: "stage", label: "Stage", type: "select", options: options(t?.supply_chain_stages) },
            { key: "company", label: "Company" },
            { key: "country", label: "Country", placeholder: "e.g. PT" },
            { key: "date", label: "Date", type: "date" },
          ]}
          empty={() => ({ stage: "", company: "", country: "", date: "" })}
          onChange={(rows) => set("supply_chain", rows)}
          errors={errors}
          prefix="supply_chain"
          addLabel="Add stage"
        />
      </CardBody>
    </Card>
  );
}

/** Carbon, water and substances; an edit records a new entry in the passport's metrics history. */
export function MetricsFields({ form: f, set, errors, mode }: SectionProps & { mode: "create" | "edit" }) {
  const text = textSetter(set);
  return (
    <Card>
      <CardHeader
        title="Sustainability metrics"
        description={mode === "edit" ? "Changes are recorded as a new entry in the passport's metrics history." : "Leave empty to use the defaults for the material type."}
      />
      <CardBody className="space-y-6">
        <div className="grid gap-4 sm:grid-cols-2">
          <Input label="Carbon footprint (kg CO₂e per kg)" inputMode="decimal" value={f.carbon_footprint} onChange={text("carbon_footprint")} error={errors.carbon_footprint} />
          <Input label="Water usage (L per kg)" inputMode="decimal" value={f.water_usage} onChange={text("water_usage")} error={errors.water_usage} />
        </div>
        <RowsEditor
          legend="Chemical composition"
          rows={f.chemicals}
          columns={[
            { key: "name", label: "Substance" },
            { key: "cas_number", label: "CAS number", placeholder: "e.g. 50-00-0" },
            { key: "concentration_ppm", label: "Concentration (ppm)", type: "decimal" },
          ]}
          empty={() => ({ name: "", cas_number: "", concentration_ppm: "" })}
          onChange={(rows) => set("chemicals", rows)}
          errors={errors}
          prefix="chemical_composition"
          addLabel="Add substance"
        />
      </CardBody>
    </Card>
  );
}
