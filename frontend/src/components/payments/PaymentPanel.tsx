import { useRef, useState } from "react";
import { useNavigate } from "react-router";
import { Button, Select } from "@/components/ui";
import { DECLINE_MESSAGES, type PayResult, TEST_PAYMENT_METHODS, appPath, newIdempotencyKey, usePay, usePaymentConfig } from "@/hooks/payments";
import { ApiError, errorMessage } from "@/lib/errors";
import { formatMoney } from "@/lib/format";
import { StripeCardForm } from "./StripeCardForm";

interface Props {
  transactionId: string;
  total: number | string;
  currency: string;
  onPaid: (result: PayResult) => void;
  /** Called before paying; may create the transaction and return its id. */
  ensureTransaction?: () => Promise<string | null>;
  disabled?: boolean;
}

/** Pay: a card through Stripe.js when the gateway is Stripe, else a sandbox test card. */
export function PaymentPanel(props: Props) {
  const config = usePaymentConfig();
  if (config.isPending) return <p className="text-sm text-stone-500">Loading payment options…</p>;
  const key = config.data?.gateway === "stripe" ? config.data.stripe_publishable_key : null;
  return key ? <StripeCardForm publishableKey={key} {...props} /> : <SandboxPayment {...props} />;
}

/** Choose a sandbox test card and pay; shows declines and 3-D Secure clearly, with retry. */
function SandboxPayment({ transactionId, total, currency, onPaid, ensureTransaction, disabled }: Props) {
  const pay = usePay();
  const navigate = useNavigate();
  const [method, setMethod] = useState<string>(TEST_PAYMENT_METHODS[0].value);
  const [outcome, setOutcome] = useState<{ kind: "declined" | "action" | "error"; text: string; code?: string | null } | null>(null);
  const lastKey = useRef<{ key: string; method: string; tx: string } | null>(null);

  const submit = async () => {
    setOutcome(null);
    const txId = ensureTransaction ? await ensureTransaction() : transactionId;
    if (!txId) return;
    // A new key per attempt; reuse it only to retry an attempt whose answer never arrived.
    const prev = lastKey.current;
    const key = prev && prev.method === method && prev.tx === txId && pay.error instanceof ApiError && pay.error.status === 0 ? prev.key : newIdempotencyKey();
    lastKey.current = { key, method, tx: txId };
    pay.mutate(
      { transaction_id: txId, payment_method: method, idempotencyKey: key },
      {
        onSuccess: (res) => {
          if (res.status === "succeeded") onPaid(res);
          else if (res.status === "requires_action" && res.next_action_url) void navigate(appPath(res.next_action_url));
          else if (res.status === "requires_action")
            setOutcome({
              kind: "action",
              text: "This card requires authentication (3-D Secure), which this checkout cannot complete with this payment provider yet. The order stays pending: choose another card to pay.",
            });
          else setOutcome({ kind: "error", text: `Payment status: ${res.status}.` });
        },
        onError: (err) => {
          if (err instanceof ApiError && err.status === 402) {
            const code = err.declineCode;
            setOutcome({ kind: "declined", code, text: (code && DECLINE_MESSAGES[code]) || err.message || "The payment was declined." });
          } else if (err instanceof ApiError && err.code === "already_paid") {
            onPaid({ status: "succeeded", transaction_id: txId });
          } else setOutcome({ kind: "error", text: errorMessage(err) });
        },
      },
    );
  };

  return (
    <div className="space-y-4">
      <Select
        label="Payment method"
        hint="Sandbox test cards — no real money is charged."
        value={method}
        onChange={(e) => setMethod(e.target.value)}
        options={TEST_PAYMENT_METHODS.map((m) => ({ value: m.value, label: m.label }))}
      />
      {outcome && (
        <div
          role="alert"
          className={outcome.kind === "action" ? "rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900" : "rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-800"}
        >
          <p className="font-semibold">{outcome.kind === "declined" ? "Payment declined" : outcome.kind === "action" ? "Authentication required" : "Payment failed"}</p>
          <p className="mt-1">{outcome.text}</p>
          {outcome.code && <p className="mt-1 text-xs opacity-80">Decline code: {outcome.code}</p>}
          {outcome.kind !== "action" && <p className="mt-2">Your order is still reserved. Choose another card and try again.</p>}
        </div>
      )}
      <Button size="lg" className="w-full" onClick={() => void submit()} loading={pay.isPending} disabled={disabled}>
        Pay {formatMoney(total, currency)}
      </Button>
    </div>
  );
}
