import { type FormEvent, useState } from "react";
import { Button, Card, CardBody, CardHeader, ErrorBanner, Input, Select, Textarea } from "@/components/ui";
import { useMaterialTypes } from "@/hooks/materials";
import { humanize } from "@/lib/format";
import type { Errors } from "@/lib/validation";
import { type MaterialFormState } from "./formState";
import { ImageUploader } from "./ImageUploader";
import { RowsEditor } from "./RowsEditor";

interface Props {
  initial: MaterialFormState;
  mode: "create" | "edit";
  submitting: boolean;
  serverError: unknown;
  serverFieldErrors: Errors;
  onSubmit: (form: MaterialFormState, setErrors: (e: Errors) => void) => void;
  onCancel: () => void;
}

const opts = (values: string[] | undefined) => (values ?? []).map((v) => ({ value: v, label: humanize(v) }));
const UNIT_LABELS: Record<string, string> = { kg: "kilograms (kg)", m: "metres (m)", m2: "square metres (m²)", yd: "yards (yd)", roll: "rolls", piece: "pieces" };

export function MaterialForm({ initial, mode, submitting, serverError, serverFieldErrors, onSubmit, onCancel }: Props) {
  const types = useMaterialTypes();
  const t = types.data;
  const [f, setF] = useState<MaterialFormState>(initial);
  const [clientErrors, setClientErrors] = useState<Errors>({});
  const [uploading, setUploading] = useState(false);
  const errors = { ...serverFieldErrors, ...clientErrors };
  const set = <K extends keyof MaterialFormState>(k: K, v: MaterialFormState[K]) => setF((s) => ({ ...s, [k]: v }));
  const text = (k: keyof MaterialFormState) => (e: { target: { value: string } }) => set(k, e.target.value as never);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(f, (errs) => {
      setClientErrors(errs);
      if (Object.keys(errs).length) requestAnimationFrame(() => document.querySelector<HTMLElement>("[aria-invalid='true']")?.focus());
    });
  };

  const hasErrors = Object.keys(errors).length > 0;
  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {types.isError && <ErrorBanner error={types.error} title="Could not load the vocabularies" onRetry={() => void types.refetch()} />}
      {serverError != null && <ErrorBanner error={serverError} title="The listing could not be saved" />}
      <Card>
        <CardHeader title="Basics" description="What you are selling." />
        <CardBody className="grid gap-4 sm:grid-cols-2">
          <Input label="Title" wrapperClassName="sm:col-span-2" value={f.title} onChange={text("title")} error={errors.title} required maxLength={200} hint="3–200 characters" />
          <Textarea label="Description" wrapperClassName="sm:col-span-2" rows={5} value={f.description} onChange={text("description")} error={errors.description} maxLength={5000} hint={`${f.description.length}/5000`} />
          <Select label="Material type" value={f.material_type} onChange={text("material_type")} options={opts(t?.material_types)} placeholder="Select…" error={errors.material_type} required />
          <Select label="Source" value={f.source_type} onChange={text("source_type")} options={opts(t?.source_types)} error={errors.source_type} required />
          <Input label="Colour" value={f.color} onChange={text("color")} error={errors.color} />
          <Input label="Origin country" value={f.origin_country} onChange={text("origin_country")} error={errors.origin_country} maxLength={2} placeholder="e.g. PT" hint="2-letter ISO code" />
          <Input label="Manufacture date" type="date" value={f.manufacture_date} onChange={text("manufacture_date")} error={errors.manufacture_date} />
          {mode === "edit" && (
            <Select
              label="Status"
              value={f.status}
              onChange={text("status")}
              options={[
                { value: "active", label: "Active (visible)" },
                { value: "draft", label: "Draft (hidden)" },
                { value: "archived", label: "Archived (hidden)" },
                ...(initial.status === "sold_out" ? [{ value: "sold_out", label: "Sold out" }] : []),
              ]}
              error={errors.status}
            />
          )}
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Quantity and price" />
        <CardBody className="grid gap-4 sm:grid-cols-3">
          <Input label="Quantity available" inputMode="decimal" value={f.quantity} onChange={text("quantity")} error={errors.quantity} required />
          <Select label="Unit" value={f.unit} onChange={text("unit")} options={(t?.units ?? []).map((u) => ({ value: u, label: UNIT_LABELS[u] ?? u }))} error={errors.unit} required />
          <Input
            label="Weight per unit (kg)"
            inputMode="decimal"
            value={f.unit === "kg" ? "" : f.kg_per_unit}
            onChange={text("kg_per_unit")}
            disabled={f.unit === "kg"}
            error={errors.kg_per_unit}
            required={f.unit !== "kg"}
            hint={f.unit === "kg" ? "Not needed for kg" : "Needed for impact figures"}
          />
          <Input label="Price per unit" inputMode="decimal" value={f.price} onChange={text("price")} error={errors.price} required hint="At most 2 decimals" />
          <Select label="Currency" value={f.currency} onChange={text("currency")} options={(t?.currencies ?? []).map((c) => ({ value: c, label: c }))} error={errors.currency} required />
          <Input label="Minimum order" inputMode="decimal" value={f.min_order_quantity} onChange={text("min_order_quantity")} error={errors.min_order_quantity} hint="Optional" />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Photos" description="Up to 10 images." />
        <CardBody>
          <ImageUploader images={f.images} onChange={(u) => setF((s) => ({ ...s, images: u(s.images) }))} error={errors.images} onUploadingChange={setUploading} />
        </CardBody>
      </Card>

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
            rows={f.certifications}
            columns={[
              { key: "scheme", label: "Scheme", type: "select", options: (t?.certification_schemes ?? []).map((c) => ({ value: c, label: c })) },
              { key: "certificate_id", label: "Certificate ID" },
              { key: "valid_until", label: "Valid until", type: "date" },
            ]}
            empty={() => ({ scheme: "", certificate_id: "", valid_until: "" })}
            onChange={(rows) => set("certifications", rows)}
            errors={errors}
            prefix="certifications"
            addLabel="Add certification"
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Supply chain" description="Where and by whom the material was made." />
        <CardBody>
          <RowsEditor
            legend="Stages"
            rows={f.supply_chain}
            columns={[
              { key: "stage", label: "Stage", type: "select", options: opts(t?.supply_chain_stages) },
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

      <Card>
        <CardHeader title="Sustainability metrics" description={mode === "edit" ? "Changes are recorded as a new entry in the passport's metrics history." : "Leave empty to use the defaults for the material type."} />
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

      <div className="sticky bottom-0 -mx-4 flex flex-wrap items-center justify-end gap-3 border-t border-stone-200 bg-white/95 px-4 py-3 backdrop-blur sm:mx-0 sm:rounded-2xl sm:border">
        {hasErrors && <p className="mr-auto text-sm font-medium text-red-600">Please fix the highlighted fields.</p>}
        {uploading && <p className="mr-auto text-sm text-stone-600">Waiting for uploads to finish…</p>}
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={submitting} disabled={uploading}>
          {mode === "create" ? "Publish listing" : "Save changes"}
        </Button>
      </div>
    </form>
  );
}
