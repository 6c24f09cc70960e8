import type { Stripe, StripeCardElement } from "@stripe/stripe-js";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui";
import { type PayResult, newIdempotencyKey, paymentStatus, usePay } from "@/hooks/payments";
import { ApiError, errorMessage } from "@/lib/errors";
import { formatMoney } from "@/lib/format";
import { type StripeOutcome, payWithStripe } from "@/lib/stripeCheckout";

interface Props {
  publishableKey: string;
  total: number | string;
  currency: string;
  transactionId: string;
  ensureTransaction?: () => Promise<string | null>;
  onPaid: (result: PayResult) => void;
  disabled?: boolean;
}

type Shown = Exclude<StripeOutcome, { kind: "paid" }>;

/** The card field of Stripe.js (loaded only here, only when the gateway is Stripe) and the
 * payment with its 3-D Secure step completed in the browser. */
export function StripeCardForm({ publishableKey, total, currency, transactionId, ensureTransaction, onPaid, disabled }: Props) {
  const pay = usePay();
  const mount = useRef<HTMLDivElement>(null);
  const labelId = useId();
  const [stripe, setStripe] = useState<Stripe | null>(null);
  const [card, setCard] = useState<StripeCardElement | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<Shown | null>(null);

  useEffect(() => {
    let cancelled = false;
    let element: StripeCardElement | null = null;
    import("@stripe/stripe-js")
      .then(({ loadStripe }) => loadStripe(publishableKey))
      .then((loaded) => {
        if (cancelled || !loaded || !mount.current) return;
        element = loaded.elements().create("card", { hidePostalCode: true });
        element.mount(mount.current);
        setStripe(loaded);
        setCard(element);
      })
      .catch(() => !cancelled && setLoadError("The card form could not be loaded. Check your connection and reload the page."));
    return () => {
      cancelled = true;
      element?.destroy();
    };
  }, [publishableKey]);

  const submit = async () => {
    if (!stripe || !card) return;
    setShown(null);
    setBusy(true);
    try {
      const txId = ensureTransaction ? await ensureTransaction() : transactionId;
      if (!txId) return;
      const outcome = await payWithStripe({
        stripe: {
          createPaymentMethod: () => stripe.createPaymentMethod({ type: "card", card }),
          handleNextAction: (options) => stripe.handleNextAction(options),
        },
        card,
        charge: (paymentMethod) => pay.mutateAsync({ transaction_id: txId, payment_method: paymentMethod, idempotencyKey: newIdempotencyKey() }),
        paymentStatus,
      });
      if (outcome.kind === "paid") onPaid({ status: "succeeded", transaction_id: txId });
      else setShown(outcome);
    } catch (err) {
      if (err instanceof ApiError && err.status === 402) setShown({ kind: "declined", text: err.message || "The payment was declined.", code: err.declineCode });
      else setShown({ kind: "error", text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-4">
      <div>
        <p id={labelId} className="mb-1.5 text-sm font-medium text-stone-800">
          Card
        </p>
        <div ref={mount} role="group" aria-labelledby={labelId} className="min-h-11 rounded-xl border border-stone-300 bg-white px-3 py-3" />
        {loadError && (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {loadError}
          </p>
        )}
      </div>
      {shown && (
        <div
          role="alert"
          className={shown.kind === "processing" ? "rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900" : "rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-800"}
        >
          <p className="font-semibold">{shown.kind === "declined" ? "Payment declined" : shown.kind === "processing" ? "Payment processing" : "Payment failed"}</p>
          <p className="mt-1">
            {shown.kind === "processing" ? "Your bank approved the payment; we are waiting for the payment provider to confirm it. The order page updates by itself." : shown.text}
          </p>
          {shown.kind === "declined" && shown.code && <p className="mt-1 text-xs opacity-80">Decline code: {shown.code}</p>}
          {shown.kind !== "processing" && <p className="mt-2">Your order is still reserved. Check the card or use another one and try again.</p>}
        </div>
      )}
      <Button size="lg" className="w-full" onClick={() => void submit()} loading={busy} disabled={disabled || !card}>
        Pay {formatMoney(total, currency)}
      </Button>
    </div>
  );
}
