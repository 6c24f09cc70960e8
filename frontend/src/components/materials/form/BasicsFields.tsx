import { Card, CardBody, CardHeader, CountryInput, Input, Select, Textarea } from "@/components/ui";
import { type SectionProps, options, textSetter } from "./sections";

const UNIT_LABELS: Record<string, string> = { kg: "kilograms (kg)", m: "metres (m)", m2: "square metres (m²)", yd: "yards (yd)", roll: "rolls", piece: "pieces" };

/** Title, description, type, source, origin, dates and (when editing) the status. */
export function BasicsFields({ form: f, set, errors, vocab: t, mode, initialStatus }: SectionProps & { mode: "create" | "edit"; initialStatus: string }) {
  const text = textSetter(set);
  return (
    <Card>
      <CardHeader title="Basics" description="What you are selling." />
      <CardBody className="grid gap-4 sm:grid-cols-2">
        <Input label="Title" wrapperClassName="sm:col-span-2" value={f.title} onChange={text("title")} error={errors.title} required maxLength={200} hint="3–200 characters" />
        <Textarea
          label="Description"
          wrapperClassName="sm:col-span-2"
          rows={5}
          value={f.description}
          onChange={text("description")}
          error={errors.description}
          maxLength={5000}
          hint={`${f.description.length}/5000`}
        />
        <Select label="Material type" value={f.material_type} onChange={text("material_type")} options={options(t?.material_types)} placeholder="Select…" error={errors.material_type} required />
        <Select label="Source" value={f.source_type} onChange={text("source_type")} options={options(t?.source_types)} error={errors.source_type} required />
        <Input label="Colour" value={f.color} onChange={text("color")} error={errors.color} />
        <CountryInput label="Origin country" value={f.origin_country} onChange={(code) => set("origin_country", code)} error={errors.origin_country} />
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
              ...(initialStatus === "sold_out" ? [{ value: "sold_out", label: "Sold out" }] : []),
            ]}
            error={errors.status}
          />
        )}
      </CardBody>
    </Card>
  );
}

/** Quantity, unit, weight per unit, price and currency. */
export function QuantityPriceFields({ form: f, set, errors, vocab: t }: SectionProps) {
  const text = textSetter(set);
  return (
    <Card>
      <CardHeader title="Quantity and price" />
      <CardBody className="grid gap-4 sm:grid-cols-3">
        <Input
          label="Quantity available"
          inputMode="decimal"
          value={f.lots.length ? "" : f.quantity}
          onChange={text("quantity")}
          error={errors.quantity}
          required={!f.lots.length}
          disabled={f.lots.length > 0}
          hint={f.lots.length ? "The sum of the lots below" : undefined}
        />
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
      </CardBody>
    </Card>
  );
}
