import { Link } from "react-router";
import { MaterialThumb } from "@/components/materials/MaterialCard";
import { PaymentPanel } from "@/components/payments/PaymentPanel";
import { Card, CardBody, CardHeader } from "@/components/ui";
import type { PayResult } from "@/hooks/payments";
import { formatMoney, unitLabel } from "@/lib/format";
import type { MaterialDetail } from "@/lib/types";

/** The order once created: the material is reserved at this total. */
export interface ReservedOrder {
  id: string;
  total: number | string;
  currency: string;
}

interface Props {
  material: MaterialDetail;
  /** The unit price the order is charged (its price tier for the quantity typed). */
  unitPrice: number;
  order: ReservedOrder | null;
  /** The price times the quantity typed, shown until the order exists. */
  estimate: number;
  ensureOrder: () => Promise<string | null>;
  onPaid: (result: PayResult) => void;
  creating: boolean;
}

/** The material, the (estimated) total, the reservation notice and the payment form. */
export function OrderSummary({ material: m, unitPrice, order, estimate, ensureOrder, onPaid, creating }: Props) {
  return (
    <Card>
      <CardHeader title="Order summary" />
      <CardBody className="space-y-4">
        <div className="flex gap-3">
          <MaterialThumb src={m.images[0]?.thumbnail_url} alt={m.title} className="size-16 shrink-0 rounded-lg" />
          <div className="min-w-0 text-sm">
            <Link to={`/materials/${m.material_id}`} className="font-medium text-stone-900 hover:underline">
              {m.title}
            </Link>
            <p className="text-stone-500">{m.seller.company_name}</p>
            <p className="text-stone-500" data-testid="unit-price">
              {formatMoney(unitPrice, m.currency)} / {unitLabel(m.unit)}
            </p>
          </div>
        </div>
        <div className="flex justify-between border-t border-stone-100 pt-3 text-sm">
          <span className="text-stone-600">{order ? "Total" : "Estimated total"}</span>
          <span className="text-lg font-semibold text-stone-900">{formatMoney(order ? order.total : estimate, order ? order.currency : m.currency)}</span>
        </div>
        {order && (
          <p className="rounded-lg bg-brand-50 p-3 text-xs text-brand-900">
            Your material is reserved. Unpaid orders are cancelled after 30 minutes.{" "}
            <Link to={`/transactions/${order.id}`} className="font-medium underline">
              View order
            </Link>
          </p>
        )}
        <PaymentPanel
          transactionId={order?.id ?? ""}
          total={order ? order.total : estimate}
          currency={order ? order.currency : m.currency}
          ensureTransaction={ensureOrder}
          onPaid={onPaid}
          disabled={creating}
        />
      </CardBody>
    </Card>
  );
}
