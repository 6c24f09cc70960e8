import { CertificationList, ChemicalTable, CompositionBars, SupplyChainTimeline } from "@/components/passports/PassportSections";
import { Card, CardBody, CardHeader } from "@/components/ui";
import { countryName, formatDate, formatNumber, formatQuantity, humanize, unitLabel } from "@/lib/format";
import type { MaterialDetail } from "@/lib/types";
import { DataList } from "../DataList";

/** The description, specifications, composition, certifications, supply chain and chemicals of a listing. */
export function MaterialSections({ material: m }: { material: MaterialDetail }) {
  return (
    <>
      <Card>
        <CardHeader title="Description" />
        <CardBody>{m.description ? <p className="whitespace-pre-line text-sm leading-relaxed text-stone-700">{m.description}</p> : <p className="text-sm text-stone-500">No description.</p>}</CardBody>
      </Card>
      <Card>
        <CardHeader title="Specifications" />
        <CardBody>
          <DataList
            items={[
              ["Material type", humanize(m.material_type)],
              ["Source", humanize(m.source_type)],
              ["Available", formatQuantity(m.quantity, m.unit)],
              ["Minimum order", m.min_order_quantity ? formatQuantity(m.min_order_quantity, m.unit) : "None"],
              ["Weight per unit", m.unit === "kg" ? "—" : m.kg_per_unit ? `${formatNumber(m.kg_per_unit, 3)} kg per ${unitLabel(m.unit)}` : "—"],
              ["Colour", m.color || "—"],
              ["Origin", countryName(m.origin_country)],
              ["Manufactured", formatDate(m.manufacture_date)],
              ["Listed", formatDate(m.created_at)],
              ["Last updated", formatDate(m.updated_at)],
            ]}
          />
        </CardBody>
      </Card>
      <div className="grid gap-6 md:grid-cols-2">
        <Card>
          <CardHeader title="Composition" />
          <CardBody>
            <CompositionBars composition={m.composition} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Certifications" />
          <CardBody>
            <CertificationList certifications={m.certifications} />
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader title="Supply chain" />
        <CardBody>
          <SupplyChainTimeline steps={m.supply_chain} />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Chemical composition" />
        <CardBody>
          <ChemicalTable chemicals={m.sustainability_metrics?.chemical_composition} />
        </CardBody>
      </Card>
    </>
  );
}
