import { Link } from "react-router";
import { MaterialThumb } from "@/components/materials/MaterialCard";
import { PaymentPanel } from "@/components/payments/PaymentPanel";
import { Card, CardBody, CardHeader } from "@/components/ui";
import type { PayResult } from "@/hooks/payments";
import { formatMoney, unitLabel } from "@/lib/format";
import { ApiError } from "@/lib/errors";
import type { MaterialDetail, ShippingQuote } from "@/lib/types";

/** The order once created: the material is reserved at this total. */
export interface ReservedOrder {
  id: string;
  goods_total: number | string;
  shipping_price: number | string;
  shipping_method: string;
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
  /** The shipping quote for the quantity and country chosen, until the order exists. */
  quote: QuoteQuery;
  ensureOrder: () => Promise<string | null>;
  onPaid: (result: PayResult) => void;
  creating: boolean;
}

/** The material, the (estimated) total, the reservation notice and the payment form. */
export function OrderSummary({ material: m, unitPrice, order, estimate, quote, ensureOrder, onPaid, creating }: Props) {
  const q = quote.data;
  const goods = order ? order.goods_total : (q?.goods_total ?? estimate);
  const total = order ? order.total : q ? q.total : estimate;
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
        <dl className="space-y-1 border-t border-stone-100 pt-3 text-sm" aria-label="Price breakdown">
          <div className="flex justify-between">
            <dt className="text-stone-600">Goods</dt>
            <dd data-testid="goods-total">{formatMoney(goods, m.currency)}</dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-stone-600">Shipping</dt>
            <dd data-testid="shipping-price">
              <ShippingCell order={order} quote={quote} currency={m.currency} />
            </dd>
          </div>
          <div className="flex justify-between pt-1">
            <dt className="text-stone-600">{order || q ? "Total" : "Estimated total"}</dt>
            <dd className="text-lg font-semibold text-stone-900" data-testid="order-total">
              {formatMoney(total, m.currency)}
            </dd>
          </div>
        </dl>
        {order && (
          <p className="rounded-lg bg-brand-50 p-3 text-xs text-brand-900">
            Your material is reserved. Unpaid orders are cancelled after 30 minutes.{" "}
            <Link to={`/transactions/${order.id}`} className="font-medium underline">
              View order
            </Link>
          </p>
        )}
        <PaymentPanel transactionId={order?.id ?? ""} total={total} currency={order ? order.currency : m.currency} ensureTransaction={ensureOrder} onPaid={onPaid} disabled={creating} />
      </CardBody>
    </Card>
  );
}

type QuoteQuery = { data?: ShippingQuote; error: unknown; isFetching: boolean };

function ShippingCell({ order, quote, currency }: { order: ReservedOrder | null; quote: QuoteQuery; currency: string }) {
  const method = order ? order.shipping_method : quote.data?.shipping_method;
  const price = order ? order.shipping_price : quote.data?.shipping_price;
  if (!order && quote.error instanceof ApiError) return <span className="text-red-700">{quote.error.code === "not_shipped_to_country" ? "Not shipped to this country" : quote.error.message}</span>;
  if (method === undefined || price === undefined) return <span className="text-stone-500">{quote.isFetching ? "Pricing…" : "Choose quantity and country"}</span>;
  if (method === "arranged_by_seller") return <span>Arranged by the seller</span>;
  if (method === "pickup") return <span>Pickup (free)</span>;
  const days = !order ? quote.data?.estimated_days : null;
  return (
    <span>
      {Number(price) === 0 ? "Free" : formatMoney(price, currency)}
      {days && (
        <span className="text-stone-500">
          {" "}
          · {days.min}–{days.max} days
        </span>
      )}
    </span>
  );
}
