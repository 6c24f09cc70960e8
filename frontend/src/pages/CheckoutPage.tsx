import { useState } from "react";
import { Link, useParams } from "react-router";
import { MaterialThumb } from "@/components/materials/MaterialCard";
import { PaymentPanel } from "@/components/payments/PaymentPanel";
import { AddressFields, emptyAddress, toAddressBody, validateAddress } from "@/components/transactions/AddressFields";
import { ButtonLink, Card, CardBody, CardHeader, EmptyState, ErrorBanner, Input, PageHeader, PageSpinner } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useMaterial } from "@/hooks/materials";
import type { PayResult } from "@/hooks/payments";
import { useCreateTransaction } from "@/hooks/transactions";
import { ApiError } from "@/lib/errors";
import { formatMoney, formatQuantity, toNumber, unitLabel, unitsLabel } from "@/lib/format";
import { type Errors, parseDecimal } from "@/lib/validation";
import NotFoundPage from "./NotFoundPage";
import { usePageTitle } from "@/lib/usePageTitle";

export default function CheckoutPage() {
  const { materialId = "" } = useParams();
  const { user } = useAuth();
  const material = useMaterial(materialId);
  const createTx = useCreateTransaction();
  usePageTitle("Checkout");
  const [quantity, setQuantity] = useState<string | null>(null);
  const [address, setAddress] = useState(emptyAddress());
  const [errors, setErrors] = useState<Errors>({});
  const [tx, setTx] = useState<{ id: string; total: number | string; currency: string } | null>(null);
  const [paid, setPaid] = useState<PayResult | null>(null);

  if (material.isPending) return <PageSpinner label="Loading checkout" />;
  if (material.isError) {
    if (material.error instanceof ApiError && material.error.status === 404) return <NotFoundPage />;
    return <ErrorBanner error={material.error} title="Could not load this material" onRetry={() => void material.refetch()} />;
  }
  const m = material.data;
  if (user?.user_id === m.seller.user_id) {
    return <EmptyState title="This is your own listing" description="You cannot buy your own material." action={<ButtonLink to={`/materials/${m.material_id}`}>Back to listing</ButtonLink>} />;
  }

  const whole = m.unit === "roll" || m.unit === "piece";
  // Start from the minimum order, if the listing has one.
  const qtyText = quantity ?? (m.min_order_quantity ? String(m.min_order_quantity) : "");
  const qtyNumber = toNumber(qtyText) ?? 0;
  const estimate = qtyNumber * (toNumber(m.price) ?? 0);

  const ensureTransaction = async (): Promise<string | null> => {
    if (tx) return tx.id;
    const errs: Errors = validateAddress(address);
    const [q, qErr] = parseDecimal(qtyText, { decimals: 3, min: 0, exclusiveMin: true, label: "Quantity", required: true, integer: whole });
    if (qErr) errs.quantity = qErr;
    else if (q !== null && q > Number(m.quantity)) errs.quantity = `Only ${formatQuantity(m.quantity, m.unit)} available.`;
    else if (q !== null && m.min_order_quantity && q < Number(m.min_order_quantity)) errs.quantity = `The minimum order is ${formatQuantity(m.min_order_quantity, m.unit)}.`;
    setErrors(errs);
    if (Object.keys(errs).length || q === null) return null;
    try {
      const created = await createTx.mutateAsync({ material_id: m.material_id, quantity: q, shipping_address: toAddressBody(address) });
      setTx({ id: created.transaction_id, total: created.total, currency: created.currency });
      return created.transaction_id;
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors());
      return null;
    }
  };

  if (paid && tx) {
    return (
      <div className="mx-auto max-w-xl py-8 text-center">
        <div className="mx-auto flex size-14 items-center justify-center rounded-full bg-brand-100 text-brand-800" aria-hidden="true">
          <svg viewBox="0 0 24 24" className="size-7" fill="none" stroke="currentColor" strokeWidth="2.5">
            <path d="m5 12 5 5 9-11" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </div>
        <h1 className="mt-4 text-2xl font-semibold text-stone-900">Payment confirmed</h1>
        <p className="mt-2 text-stone-600">
          You paid {formatMoney(paid.amount ?? tx.total, paid.currency ?? tx.currency)} for {formatQuantity(qtyText, m.unit)} of “{m.title}”. {m.seller.company_name} has been notified and will ship your order.
        </p>
        {paid.payment_id && <p className="mt-1 text-xs text-stone-500">Payment reference: {paid.payment_id}</p>}
        <div className="mt-6 flex flex-wrap justify-center gap-3">
          <ButtonLink to={`/transactions/${tx.id}`}>View order</ButtonLink>
          <ButtonLink to="/materials" variant="secondary">
            Continue browsing
          </ButtonLink>
        </div>
      </div>
    );
  }

  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader eyebrow="Checkout" title="Complete your order" />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          {createTx.error && <ErrorBanner error={createTx.error} title="Could not reserve the material" />}
          <Card>
            <CardHeader title="Quantity" />
            <CardBody>
              <Input
                label={`Quantity (${unitsLabel(m.unit)})`}
                inputMode="decimal"
                value={qtyText}
                onChange={(e) => setQuantity(e.target.value)}
                error={errors.quantity}
                disabled={Boolean(tx)}
                required
                hint={`${formatQuantity(m.quantity, m.unit)} available${m.min_order_quantity ? ` · minimum order ${formatQuantity(m.min_order_quantity, m.unit)}` : ""}`}
              />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Shipping address" />
            <CardBody>
              <AddressFields value={address} onChange={setAddress} errors={errors} disabled={Boolean(tx)} />
            </CardBody>
          </Card>
        </div>
        <div className="space-y-6 lg:sticky lg:top-24 lg:self-start">
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
                  <p className="text-stone-500">
                    {formatMoney(m.price, m.currency)} / {unitLabel(m.unit)}
                  </p>
                </div>
              </div>
              <div className="flex justify-between border-t border-stone-100 pt-3 text-sm">
                <span className="text-stone-600">{tx ? "Total" : "Estimated total"}</span>
                <span className="text-lg font-semibold text-stone-900">{formatMoney(tx ? tx.total : estimate, tx ? tx.currency : m.currency)}</span>
              </div>
              {tx && (
                <p className="rounded-lg bg-brand-50 p-3 text-xs text-brand-900">
                  Your material is reserved. Unpaid orders are cancelled after 30 minutes. <Link to={`/transactions/${tx.id}`} className="font-medium underline">View order</Link>
                </p>
              )}
              <PaymentPanel
                transactionId={tx?.id ?? ""}
                total={tx ? tx.total : estimate}
                currency={tx ? tx.currency : m.currency}
                ensureTransaction={ensureTransaction}
                onPaid={setPaid}
                disabled={createTx.isPending}
              />
            </CardBody>
          </Card>
        </div>
      </div>
    </div>
  );
}
