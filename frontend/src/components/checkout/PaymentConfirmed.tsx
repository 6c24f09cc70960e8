import { ButtonLink } from "@/components/ui";
import type { PayResult } from "@/hooks/payments";
import { formatMoney, formatQuantity } from "@/lib/format";
import type { MaterialDetail } from "@/lib/types";
import type { ReservedOrder } from "./OrderSummary";

/** The page shown once the payment went through. */
export function PaymentConfirmed({ material: m, order, paid, quantity }: { material: MaterialDetail; order: ReservedOrder; paid: PayResult; quantity: string }) {
  return (
    <div className="mx-auto max-w-xl py-8 text-center">
      <div className="mx-auto flex size-14 items-center justify-center rounded-full bg-brand-100 text-brand-800" aria-hidden="true">
        <svg viewBox="0 0 24 24" className="size-7" fill="none" stroke="currentColor" strokeWidth="2.5">
          <path d="m5 12 5 5 9-11" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </div>
      <h1 className="mt-4 text-2xl font-semibold text-stone-900">Payment confirmed</h1>
      <p className="mt-2 text-stone-600">
        You paid {formatMoney(paid.amount ?? order.total, paid.currency ?? order.currency)} for {formatQuantity(quantity, m.unit)} of “{m.title}”. {m.seller.company_name} has been notified and will
        ship your order.
      </p>
      {paid.payment_id && <p className="mt-1 text-xs text-stone-500">Payment reference: {paid.payment_id}</p>}
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        <ButtonLink to={`/transactions/${order.id}`}>View order</ButtonLink>
        <ButtonLink to="/materials" variant="secondary">
          Continue browsing
        </ButtonLink>
      </div>
    </div>
  );
}
