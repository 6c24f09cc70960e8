import type { ReactNode } from "react";
import { DataList } from "@/components/materials/DataList";
import { Card, CardBody, CardHeader } from "@/components/ui";
import { formatDate, formatMoney } from "@/lib/format";
import type { TransactionDetail } from "@/lib/types";

const METHODS: Record<string, string> = {
  zone: "Delivered by the seller",
  pickup: "Collected from the seller",
  arranged_by_seller: "Arranged by the seller",
};

const CARRIERS: Record<string, string> = { dhl: "DHL", ups: "UPS", fedex: "FedEx", dpd: "DPD", gls: "GLS", tnt: "TNT", postnl: "PostNL", other: "Other carrier" };

export function carrierName(code: string): string {
  return CARRIERS[code] ?? code;
}

/** How the order travels: its price, terms, expected date, and the carrier's tracking. */
export function DeliveryCard({ tx }: { tx: TransactionDetail }) {
  const rows: Array<[string, ReactNode]> = [
    ["Method", METHODS[tx.shipping_method] ?? tx.shipping_method],
    ["Shipping", Number(tx.shipping_price) === 0 ? "Free" : formatMoney(tx.shipping_price, tx.currency)],
  ];
  if (tx.incoterm) rows.push(["Incoterm", tx.incoterm]);
  if (tx.estimated_delivery_date && tx.status !== "completed" && tx.status !== "cancelled") {
    rows.push([tx.shipping_method === "pickup" ? "Ready by" : "Expected by", formatDate(tx.estimated_delivery_date)]);
  }
  if (tx.carrier) rows.push(["Carrier", carrierName(tx.carrier)]);
  if (tx.tracking_number)
    rows.push([
      "Tracking number",
      <span key="n" className="font-mono text-xs">
        {tx.tracking_number}
      </span>,
    ]);
  return (
    <Card>
      <CardHeader title="Delivery" />
      <CardBody className="space-y-3">
        <DataList items={rows} />
        {tx.tracking_url && (
          <a href={tx.tracking_url} target="_blank" rel="noopener noreferrer" className="inline-block text-sm font-medium text-brand-700 underline" data-testid="tracking-link">
            Track the parcel with {carrierName(tx.carrier ?? "")}
          </a>
        )}
      </CardBody>
    </Card>
  );
}
