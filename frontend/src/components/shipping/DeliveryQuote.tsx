import { useState } from "react";
import { CountrySelect } from "@/components/ui";
import { useShippingQuote } from "@/hooks/shipping";
import { rememberCountry, rememberedCountry } from "@/lib/countries";
import { ApiError } from "@/lib/errors";
import { countryName, formatMoney } from "@/lib/format";
import type { MaterialDetail, ShippingQuote } from "@/lib/types";

/** "Delivered to <country> from <price> in <n-m> days" for the buyer's country (remembered in
 * this browser, changeable), priced for the smallest order the listing takes. */
export function DeliveryQuote({ material: m }: { material: MaterialDetail }) {
  const [country, setCountry] = useState(() => rememberedCountry() ?? "");
  const [editing, setEditing] = useState(!country);
  const smallest = Number(m.min_order_quantity ?? 1);
  const quote = useShippingQuote(m.material_id, country, smallest);
  const choose = (code: string) => {
    if (!code) return;
    setCountry(code);
    rememberCountry(code);
    setEditing(false);
  };

  return (
    <div className="rounded-lg bg-stone-50 p-3 text-sm text-stone-700" data-testid="delivery-quote">
      {country && !editing && (
        <p>
          <QuoteLine country={country} quote={quote.data} error={quote.error} pending={quote.isPending} />{" "}
          <button type="button" className="font-medium text-brand-700 underline" onClick={() => setEditing(true)}>
            Change country
          </button>
        </p>
      )}
      {editing && <CountrySelect label="Deliver to" value={country} onChange={choose} hint="Shows the delivered price and time for your country." />}
    </div>
  );
}

function QuoteLine({ country, quote, error, pending }: { country: string; quote?: ShippingQuote; error: unknown; pending: boolean }) {
  const name = countryName(country);
  if (error instanceof ApiError && error.code === "not_shipped_to_country") {
    return <span>The seller does not ship to {name}.</span>;
  }
  if (error) return <span>Delivery to {name} could not be priced right now.</span>;
  if (pending || !quote) return <span>Pricing delivery to {name}…</span>;
  if (quote.shipping_method === "arranged_by_seller") return <span>Delivery to {name} is arranged by the seller after you order.</span>;
  const days = quote.estimated_days;
  const price = Number(quote.shipping_price) === 0 ? "free" : `from ${formatMoney(quote.shipping_price, quote.currency)}`;
  return (
    <span>
      Delivered to <strong>{name}</strong> {price}
      {days && <> in {days.min === days.max ? days.min : `${days.min}–${days.max}`} days</>}
      {quote.incoterm && <span className="text-stone-500"> ({quote.incoterm})</span>}.
    </span>
  );
}
