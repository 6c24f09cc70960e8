import { Card, CardBody, CardHeader, Input } from "@/components/ui";
import { formatQuantity, unitLabel } from "@/lib/format";
import { RowsEditor } from "./RowsEditor";
import { type SectionProps, textSetter } from "./sections";

const GRADES = [
  { value: "first", label: "First" },
  { value: "second", label: "Second" },
];

/** How the listing is sold: the minimum order and its steps, volume price tiers and samples. */
export function TermsFields({ form: f, set, errors }: SectionProps) {
  const text = textSetter(set);
  const u = unitLabel(f.unit);
  const example =
    f.min_order_quantity && f.order_increment ? `e.g. from ${formatQuantity(f.min_order_quantity, f.unit)} in steps of ${formatQuantity(f.order_increment, f.unit)}` : "e.g. 5 for 5 m steps";
  return (
    <Card>
      <CardHeader title="Terms of sale" description="Minimums, steps and volume prices buyers order by, and the samples you send." />
      <CardBody className="space-y-6">
        <div className="grid gap-4 sm:grid-cols-2">
          <Input label={`Minimum order (${u})`} inputMode="decimal" value={f.min_order_quantity} onChange={text("min_order_quantity")} error={errors.min_order_quantity} hint="Optional" />
          <Input
            label={`Order step (${u})`}
            inputMode="decimal"
            value={f.order_increment}
            onChange={text("order_increment")}
            error={errors.order_increment}
            hint={`Optional: quantities above the minimum go in these steps, ${example}.`}
          />
        </div>
        <RowsEditor
          legend="Price tiers"
          description={`Lower unit prices from larger quantities: each tier starts above the last, at a lower price than the last (the first below the price per ${u}).`}
          rows={f.price_tiers}
          columns={[
            { key: "min_quantity", label: `From quantity (${u})`, type: "decimal" },
            { key: "price", label: `Price per ${u} (${f.currency})`, type: "decimal" },
          ]}
          empty={() => ({ min_quantity: "", price: "" })}
          onChange={(rows) => set("price_tiers", rows)}
          errors={errors}
          prefix="price_tiers"
          addLabel="Add price tier"
          max={20}
        />
        <RowsEditor
          legend="Lots"
          description="Rolls, dye lots or bales sold apart: buyers choose one, and the listing's quantity becomes their sum."
          rows={f.lots}
          columns={[
            { key: "lot_code", label: "Lot code", placeholder: "e.g. DL-2291" },
            { key: "quantity", label: `Quantity (${u})`, type: "decimal" },
            { key: "grade", label: "Grade", type: "select", options: GRADES },
            { key: "color", label: "Colour" },
            { key: "width_cm", label: "Width (cm)", type: "decimal" },
            { key: "weight_gsm", label: "Weight (g/m²)", type: "decimal" },
          ]}
          empty={() => ({ lot_code: "", quantity: "", grade: "first", color: "", width_cm: "", weight_gsm: "" })}
          onChange={(rows) => set("lots", rows)}
          errors={errors}
          prefix="lots"
          addLabel="Add lot"
          max={200}
        />
        <fieldset className="space-y-3">
          <legend className="text-sm font-semibold text-stone-900">Samples</legend>
          <label className="flex items-center gap-2 text-sm text-stone-700">
            <input type="checkbox" checked={f.sample_available} onChange={(e) => set("sample_available", e.target.checked)} className="size-4 rounded border-stone-300" />
            Buyers can order a sample before the bulk
          </label>
          {f.sample_available && (
            <div className="grid gap-4 sm:grid-cols-2">
              <Input
                label={`Sample price (${f.currency})`}
                inputMode="decimal"
                value={f.sample_price}
                onChange={text("sample_price")}
                error={errors.sample_price}
                required
                hint="0 for a free sample"
              />
              <Input label="Sample description" value={f.sample_description} onChange={text("sample_description")} error={errors.sample_description} required maxLength={200} hint="e.g. A4 swatch" />
            </div>
          )}
        </fieldset>
      </CardBody>
    </Card>
  );
}
