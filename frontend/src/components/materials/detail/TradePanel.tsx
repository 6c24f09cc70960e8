import { type MouseEvent, useId, useState } from "react";
import { useNavigate } from "react-router";
import { AddressFields, emptyAddress, toAddressBody, validateAddress } from "@/components/transactions/AddressFields";
import { Button, ButtonLink, ConfirmDialog, Input, cx } from "@/components/ui";
import { useCreateOffer } from "@/hooks/offers";
import { useCreateTransaction } from "@/hooks/transactions";
import { rememberCountry, rememberedCountry } from "@/lib/countries";
import { ApiError } from "@/lib/errors";
import { formatMoney, formatNumber, formatQuantity, humanize, toNumber, unitLabel, unitsLabel } from "@/lib/format";
import { quantityProblem, termsSummary, tierIndex, tierPrice } from "@/lib/trade";
import type { MaterialDetail, MaterialLot } from "@/lib/types";
import { type Errors, normalizeNumber, parseDecimal } from "@/lib/validation";

/** The listing's price tiers, with the tier a quantity reaches marked. */
export function TierTable({ material: m, quantity }: { material: MaterialDetail; quantity: number | null }) {
  if (!m.price_tiers.length) return null;
  const reached = tierIndex(m, quantity);
  const rows = [{ from: m.min_order_quantity ?? null, price: m.price }, ...m.price_tiers.map((t) => ({ from: t.min_quantity, price: t.price }))];
  return (
    <table className="w-full text-sm" data-testid="price-tiers">
      <caption className="mb-1 text-left text-xs font-medium uppercase tracking-wide text-stone-500">Volume pricing</caption>
      <thead className="sr-only">
        <tr>
          <th scope="col">Quantity</th>
          <th scope="col">Unit price</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-stone-100">
        {rows.map((r, i) => {
          const active = reached === i - 1;
          return (
            <tr key={i} className={cx(active && "bg-brand-50 font-medium text-brand-900")} aria-current={active ? "true" : undefined}>
              <td className="px-2 py-1.5">{i === 0 ? (r.from ? `From ${formatQuantity(r.from, m.unit)}` : "Any quantity") : `From ${formatQuantity(r.from, m.unit)}`}</td>
              <td className="px-2 py-1.5 text-right tabular-nums">
                {formatMoney(r.price, m.currency)} / {unitLabel(m.unit)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function lotLine(l: MaterialLot, unit: string): string {
  const parts = [`${humanize(l.grade)} grade`];
  if (l.color) parts.push(l.color);
  if (l.width_cm) parts.push(`${formatNumber(l.width_cm)} cm wide`);
  if (l.weight_gsm) parts.push(`${formatNumber(l.weight_gsm)} g/m²`);
  parts.push(`${formatQuantity(l.quantity, unit)} left`);
  return parts.join(" · ");
}

/** Radio buttons for the listing's lots (roll, dye lot, bale); sold-out lots are disabled. */
export function LotPicker({ material: m, value, onChange, error }: { material: MaterialDetail; value: string; onChange: (code: string) => void; error?: string }) {
  const errId = useId();
  if (!m.lots.length) return null;
  return (
    <fieldset className="space-y-2" aria-describedby={error ? errId : undefined}>
      <legend className="text-sm font-medium text-stone-700">Lot</legend>
      {m.lots.map((l) => {
        const empty = Number(l.quantity) <= 0;
        return (
          <label
            key={l.lot_code}
            className={cx(
              "flex cursor-pointer items-start gap-2 rounded-lg border px-3 py-2 text-sm",
              value === l.lot_code ? "border-brand-600 bg-brand-50" : "border-stone-200",
              empty && "cursor-not-allowed opacity-60",
            )}
          >
            <input type="radio" name="lot" value={l.lot_code} checked={value === l.lot_code} disabled={empty} onChange={() => onChange(l.lot_code)} className="mt-0.5 size-4" />
            <span className="min-w-0">
              <span className="block font-medium text-stone-900">{l.lot_code}</span>
              <span className="block text-xs text-stone-600">{empty ? "Sold out" : lotLine(l, m.unit)}</span>
            </span>
          </label>
        );
      })}
      {error && (
        <p id={errId} role="alert" className="text-xs font-medium text-red-600">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** What the buyer may order: the lot, the available stock and the quantity's problem, if any. */
export function checkOrder(m: MaterialDetail, lotCode: string, qtyText: string): { quantity: number | null; errors: Errors } {
  const errors: Errors = {};
  const lot = m.lots.find((l) => l.lot_code === lotCode);
  if (m.lots.length && !lot) errors.lot_code = "Choose a lot.";
  const whole = m.unit === "roll" || m.unit === "piece";
  const [q, err] = parseDecimal(qtyText, { decimals: 3, min: 0, exclusiveMin: true, label: "Quantity", required: true, integer: whole });
  if (err) errors.quantity = err;
  else if (q !== null) {
    const problem = quantityProblem(q, m, lot ? lot.quantity : m.quantity);
    if (problem) errors.quantity = problem;
  }
  return { quantity: Object.keys(errors).length ? null : q, errors };
}

/**
 * The buyer's side of the detail page: the lot, a quantity checked against the minimum, steps
 * and stock with the tier price it reaches, then "Buy now", "Make an offer" and "Order a sample".
 */
export function TradePanel({ material: m }: { material: MaterialDetail }) {
  const firstLot = m.lots.find((l) => Number(l.quantity) > 0)?.lot_code ?? "";
  const [lot, setLot] = useState(m.lots.length === 1 ? firstLot : "");
  const [qtyText, setQtyText] = useState(m.min_order_quantity ? String(m.min_order_quantity) : "");
  const [errors, setErrors] = useState<Errors>({});
  const [dialog, setDialog] = useState<"offer" | "sample" | null>(null);
  const typed = toNumber(normalizeNumber(qtyText));
  const unitPrice = tierPrice(m, typed);
  const summary = termsSummary(m);

  const check = () => {
    const r = checkOrder(m, lot, qtyText);
    setErrors(r.errors);
    return r.quantity;
  };
  // "Buy now" carries the quantity and lot chosen here to the checkout (which asks for what is
  // missing); a quantity typed here that breaks the terms is explained here first.
  const carried = checkOrder(m, lot, qtyText);
  const params = new URLSearchParams({ ...(carried.quantity !== null ? { quantity: String(carried.quantity) } : {}), ...(lot ? { lot } : {}) }).toString();
  const buy = (e: MouseEvent) => {
    if (qtyText.trim() && check() === null) e.preventDefault();
  };
  const offer = () => {
    if (check() !== null) setDialog("offer");
  };

  return (
    <div className="space-y-4">
      <TierTable material={m} quantity={typed} />
      <LotPicker
        material={m}
        value={lot}
        onChange={(code) => {
          setLot(code);
          setErrors((e) => ({ ...e, lot_code: "" }));
        }}
        error={errors.lot_code || undefined}
      />
      <Input
        label={`Quantity (${unitsLabel(m.unit)})`}
        inputMode="decimal"
        value={qtyText}
        onChange={(e) => setQtyText(e.target.value)}
        onBlur={() => qtyText && setErrors((e) => ({ ...e, quantity: checkOrder(m, lot, qtyText).errors.quantity ?? "" }))}
        error={errors.quantity || undefined}
        hint={summary ?? undefined}
      />
      <p className="text-sm text-stone-700" aria-live="polite" data-testid="price-reached">
        {typed !== null && typed > 0 ? (
          <>
            {formatMoney(unitPrice, m.currency)} / {unitLabel(m.unit)} · <strong>{formatMoney(typed * unitPrice, m.currency)}</strong> for {formatQuantity(typed, m.unit)}
          </>
        ) : (
          "Enter a quantity to see its price."
        )}
      </p>
      <div className="flex flex-col gap-2">
        <ButtonLink to={`/checkout/${m.material_id}${params ? `?${params}` : ""}`} size="lg" className="w-full" onClick={buy}>
          Buy now
        </ButtonLink>
        <Button variant="secondary" className="w-full" onClick={offer}>
          Make an offer
        </Button>
        {m.sample_available && (
          <Button variant="secondary" className="w-full" onClick={() => setDialog("sample")}>
            Order a sample ({Number(m.sample_price) === 0 ? "free" : formatMoney(m.sample_price, m.currency)})
          </Button>
        )}
      </div>
      {m.sample_available && m.sample_description && <p className="text-xs text-stone-500">Sample: {m.sample_description}</p>}
      <OfferDialog open={dialog === "offer"} onClose={() => setDialog(null)} material={m} lot={lot} quantity={typed} />
      <SampleDialog open={dialog === "sample"} onClose={() => setDialog(null)} material={m} />
    </div>
  );
}

function OfferDialog({ open, onClose, material: m, lot, quantity }: { open: boolean; onClose: () => void; material: MaterialDetail; lot: string; quantity: number | null }) {
  const create = useCreateOffer();
  const navigate = useNavigate();
  const [price, setPrice] = useState("");
  const [message, setMessage] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const close = () => {
    create.reset();
    onClose();
  };
  const confirm = () => {
    const e: Errors = {};
    const [p, pErr] = parseDecimal(price, { decimals: 2, min: 0, label: "Your price", required: true });
    if (pErr) e.unit_price = pErr;
    if (message.length > 2000) e.message = "At most 2000 characters.";
    setErrors(e);
    if (Object.keys(e).length || p === null || quantity === null) return;
    create.mutate(
      { material_id: m.material_id, quantity, unit_price: p, currency: m.currency as never, ...(lot ? { lot_code: lot } : {}), ...(message.trim() ? { message: message.trim() } : {}) },
      {
        onSuccess: (o) => void navigate(`/offers/${o.offer_id}`),
        onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
      },
    );
  };
  return (
    <ConfirmDialog open={open} title="Make an offer" confirmLabel="Send offer" onConfirm={confirm} onCancel={close} loading={create.isPending} error={create.error}>
      <p>
        {quantity !== null ? formatQuantity(quantity, m.unit) : ""}
        {lot ? ` of lot ${lot}` : ""} of {m.title}. The listed price for this quantity is {formatMoney(tierPrice(m, quantity), m.currency)} / {unitLabel(m.unit)}.
      </p>
      <Input label={`Your price per ${unitLabel(m.unit)} (${m.currency})`} inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} error={errors.unit_price} required autoFocus />
      <Input label="Message to the seller (optional)" value={message} onChange={(e) => setMessage(e.target.value)} error={errors.message} maxLength={2000} />
      <p className="text-xs text-stone-500">The seller can accept, decline or counter. Offers expire 72 hours after the latest round.</p>
    </ConfirmDialog>
  );
}

function SampleDialog({ open, onClose, material: m }: { open: boolean; onClose: () => void; material: MaterialDetail }) {
  const create = useCreateTransaction();
  const navigate = useNavigate();
  const [address, setAddress] = useState(() => ({ ...emptyAddress(), country: rememberedCountry() ?? "" }));
  const [errors, setErrors] = useState<Errors>({});
  const free = Number(m.sample_price) === 0;
  const close = () => {
    create.reset();
    onClose();
  };
  const confirm = () => {
    const e = validateAddress(address);
    setErrors(e);
    if (Object.keys(e).length) return;
    create.mutate(
      { material_id: m.material_id, kind: "sample", shipping_address: toAddressBody(address), pickup: false },
      {
        onSuccess: (t) => {
          rememberCountry(address.country);
          void navigate(`/transactions/${t.transaction_id}`);
        },
        onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
      },
    );
  };
  return (
    <ConfirmDialog
      open={open}
      title="Order a sample"
      confirmLabel={free ? "Order free sample" : `Order sample (${formatMoney(m.sample_price, m.currency)})`}
      onConfirm={confirm}
      onCancel={close}
      loading={create.isPending}
      error={create.error}
    >
      <p>
        {m.sample_description ?? "A sample"} of {m.title}: {free ? "free of charge, nothing to pay." : `${formatMoney(m.sample_price, m.currency)}, paid on the next page.`}
      </p>
      <AddressFields value={address} onChange={setAddress} errors={errors} />
    </ConfirmDialog>
  );
}
