import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { LotPicker, TierTable } from "@/components/materials/detail/TradePanel";
import { AddressFields, emptyAddress, toAddressBody, validateAddress, validateAddressComplete } from "@/components/transactions/AddressFields";
import { Card, CardBody, CardHeader, ErrorBanner, Input, PageHeader } from "@/components/ui";
import type { PayResult } from "@/hooks/payments";
import { useShippingQuote } from "@/hooks/shipping";
import { useCreateTransaction } from "@/hooks/transactions";
import { rememberCountry, rememberedCountry } from "@/lib/countries";
import { ApiError } from "@/lib/errors";
import { formatQuantity, toNumber, unitsLabel } from "@/lib/format";
import { termsSummary } from "@/lib/trade";
import type { MaterialDetail } from "@/lib/types";
import { type Errors, normalizeNumber } from "@/lib/validation";
import { OrderSummary, type ReservedOrder } from "./OrderSummary";
import { PaymentConfirmed } from "./PaymentConfirmed";
import { initialQuantity, unitPriceFor, validateQuantity } from "./quantity";

/** Quantity and address, then the order is created (reserving the material) and paid. */
export function Checkout({ material: m, onPriceChanged }: { material: MaterialDetail; onPriceChanged: () => Promise<unknown> }) {
  const createTx = useCreateTransaction();
  const [search] = useSearchParams();
  const [qtyText, setQtyText] = useState(() => search.get("quantity") ?? initialQuantity(m));
  const [lot, setLot] = useState(() => m.lots.find((l) => l.lot_code === search.get("lot"))?.lot_code ?? (m.lots.length === 1 ? m.lots[0].lot_code : ""));
  const lotStock = m.lots.find((l) => l.lot_code === lot)?.quantity;
  const [address, setAddress] = useState(() => ({ ...emptyAddress(), country: rememberedCountry() ?? "" }));
  const [pickup, setPickup] = useState(false);
  const [purchaseOrder, setPurchaseOrder] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [order, setOrder] = useState<ReservedOrder | null>(null);
  const [paid, setPaid] = useState<PayResult | null>(null);
  const [priceNotice, setPriceNotice] = useState<string | null>(null);
  const quantity = toNumber(normalizeNumber(qtyText));
  const unitPrice = unitPriceFor(m, quantity);
  const estimate = (quantity ?? 0) * unitPrice;
  const quote = useShippingQuote(m.material_id, address.country, quantity, pickup);
  // Whether the seller offers collection (its quote answers; any country will do).
  const pickupQuote = useShippingQuote(m.material_id, address.country || m.origin_country || "DE", quantity, true);

  // Called by the payment form: creates the order the first time, then reuses it.
  const ensureOrder = async (): Promise<string | null> => {
    if (order) return order.id;
    const errs: Errors = pickup ? {} : validateAddress(address);
    const [q, qErr] = validateQuantity(qtyText, m, lotStock ?? m.quantity);
    if (qErr) errs.quantity = qErr;
    if (m.lots.length && !lot) errs.lot_code = "Choose a lot.";
    setErrors(errs);
    if (Object.keys(errs).length || q === null) return null;
    try {
      // The unit price shown is the one charged: a price changed since is a 409, never a surprise.
      const shipping_address = pickup && !validateAddressComplete(address) ? undefined : toAddressBody(address);
      const created = await createTx.mutateAsync({
        material_id: m.material_id,
        kind: "order",
        quantity: q,
        ...(lot ? { lot_code: lot } : {}),
        shipping_address,
        expected_unit_price: unitPriceFor(m, q),
        pickup,
        ...(purchaseOrder.trim() ? { purchase_order_reference: purchaseOrder.trim() } : {}),
      });
      setPriceNotice(null);
      if (address.country) rememberCountry(address.country);
      setOrder({
        id: created.transaction_id,
        goods_total: created.goods_total,
        shipping_price: created.shipping_price,
        shipping_method: created.shipping_method,
        total: created.total,
        currency: created.currency,
      });
      return created.transaction_id;
    } catch (err) {
      if (err instanceof ApiError && err.code === "price_changed") {
        // The listing is reloaded with its new price; the buyer reviews it and pays again.
        setPriceNotice(`The seller changed the price. ${err.details[0]?.message ?? ""} Nothing was charged: review the new total, then pay.`);
        createTx.reset();
        await onPriceChanged();
        return null;
      }
      if (err instanceof ApiError) setErrors(err.fieldErrors());
      return null;
    }
  };

  if (paid && order) return <PaymentConfirmed material={m} order={order} paid={paid} quantity={qtyText} />;

  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader eyebrow="Checkout" title="Complete your order" />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          {createTx.error && <ErrorBanner error={createTx.error} title="Could not reserve the material" />}
          {priceNotice && (
            <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
              {priceNotice}
            </p>
          )}
          <Card>
            <CardHeader title="Quantity" />
            <CardBody className="space-y-4">
              {!order && <LotPicker material={m} value={lot} onChange={setLot} error={errors.lot_code} />}
              {order && lot && <p className="text-sm text-stone-700">Lot {lot}</p>}
              <Input
                label={`Quantity (${unitsLabel(m.unit)})`}
                inputMode="decimal"
                value={qtyText}
                onChange={(e) => setQtyText(e.target.value)}
                error={errors.quantity}
                disabled={Boolean(order)}
                required
                hint={[`${formatQuantity(lotStock ?? m.quantity, m.unit)} available`, termsSummary(m)].filter(Boolean).join(" · ")}
              />
              <TierTable material={m} quantity={quantity} />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title={pickup ? "Contact address (optional)" : "Shipping address"} />
            <CardBody className="space-y-4">
              {pickupQuote.isSuccess && (
                <label className="flex items-center gap-2 text-sm text-stone-700">
                  <input type="checkbox" checked={pickup} disabled={Boolean(order)} onChange={(e) => setPickup(e.target.checked)} className="size-4 rounded border-stone-300" />
                  Collect from the seller (pickup, no shipping price)
                </label>
              )}
              <AddressFields value={address} onChange={setAddress} errors={errors} disabled={Boolean(order)} />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Invoice" description="The invoice names your company as in your company details." />
            <CardBody className="space-y-3">
              <Input
                label="Your purchase order number (optional)"
                value={purchaseOrder}
                onChange={(e) => setPurchaseOrder(e.target.value)}
                maxLength={64}
                error={errors.purchase_order_reference}
                disabled={Boolean(order)}
                hint="Printed on the invoice."
              />
              <p className="text-sm text-stone-600">
                Legal name, address and VAT number come from{" "}
                <Link to="/account/company" className="font-medium text-brand-700 underline">
                  your company details
                </Link>
                .
              </p>
            </CardBody>
          </Card>
        </div>
        <div className="space-y-6 lg:sticky lg:top-24 lg:self-start">
          <OrderSummary material={m} unitPrice={unitPrice} order={order} estimate={estimate} quote={quote} ensureOrder={ensureOrder} onPaid={setPaid} creating={createTx.isPending} />
        </div>
      </div>
    </div>
  );
}
