import { type FormEvent, useState } from "react";
import { Button, Dialog, ErrorBanner, Input } from "@/components/ui";
import { useResolveDispute } from "@/hooks/admin";
import { formatMoney } from "@/lib/format";
import { OUTCOMES, parsePartialRefund } from "@/lib/trust";
import type { DisputeOutcome, ResolveBody } from "@/lib/types";

interface Props {
  disputeId: string;
  /** What is left to refund on the order (its total less earlier refunds). */
  refundable: number;
  currency: string;
  onResolved: () => void;
}

function summary(body: ResolveBody, refundable: number, currency: string): string {
  if (body.outcome === "refund_full") return `Refund ${formatMoney(refundable, currency)} to the buyer and close the dispute.`;
  if (body.outcome === "refund_partial") return `Refund ${formatMoney(body.amount, currency)} to the buyer, release the rest to the seller and close the dispute.`;
  return "Release the held payout to the seller, refund nothing, and close the dispute.";
}

/** The outcome of an open dispute: a full or partial refund, or the payout released; confirmed in a dialog. */
export function ResolveDispute({ disputeId, refundable, currency, onResolved }: Props) {
  const resolve = useResolveDispute(disputeId);
  const [outcome, setOutcome] = useState<DisputeOutcome | "">("");
  const [amount, setAmount] = useState("");
  const [errors, setErrors] = useState<{ outcome?: string; amount?: string }>({});
  const [pending, setPending] = useState<ResolveBody | null>(null);

  const review = (e: FormEvent) => {
    e.preventDefault();
    if (!outcome) return setErrors({ outcome: "Choose an outcome." });
    if (outcome === "refund_partial") {
      const [n, problem] = parsePartialRefund(amount, refundable);
      if (problem || n === null) return setErrors({ amount: problem ?? "Enter an amount." });
      setErrors({});
      return setPending({ outcome, amount: n });
    }
    setErrors({});
    setPending({ outcome });
  };

  return (
    <form onSubmit={review} noValidate className="space-y-4">
      <fieldset aria-describedby={errors.outcome ? "resolve-outcome-error" : undefined}>
        <legend className="mb-2 text-sm font-medium text-stone-700">Outcome</legend>
        <div className="space-y-2">
          {OUTCOMES.map((o) => (
            <label key={o.value} className="flex cursor-pointer items-start gap-3 rounded-xl border border-stone-200 p-3 has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50">
              <input type="radio" name="outcome" value={o.value} checked={outcome === o.value} onChange={() => setOutcome(o.value)} className="mt-1 accent-brand-700" />
              <span>
                <span className="block text-sm font-medium text-stone-900">{o.label}</span>
                <span className="block text-xs text-stone-600">{o.hint}</span>
              </span>
            </label>
          ))}
        </div>
        {errors.outcome && (
          <p id="resolve-outcome-error" className="mt-1 text-xs font-medium text-red-600">
            {errors.outcome}
          </p>
        )}
      </fieldset>
      {outcome === "refund_partial" && (
        <Input
          label={`Refund amount (${currency})`}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          error={errors.amount}
          hint={`Less than ${formatMoney(refundable, currency)}, the amount left to refund.`}
          required
          autoFocus
        />
      )}
      <Button type="submit">Resolve dispute…</Button>
      {pending && (
        <Dialog title="Resolve this dispute?" description={summary(pending, refundable, currency)} onClose={() => setPending(null)} role="alertdialog">
          <div className="space-y-4">
            <p className="text-sm text-stone-600">The buyer and the seller are notified. This cannot be undone.</p>
            {resolve.error && <ErrorBanner error={resolve.error} title="Could not resolve the dispute" />}
            <div className="flex flex-wrap justify-end gap-2">
              <Button variant="secondary" onClick={() => setPending(null)}>
                Cancel
              </Button>
              <Button
                loading={resolve.isPending}
                autoFocus
                onClick={() =>
                  resolve.mutate(pending, {
                    onSuccess: () => {
                      setPending(null);
                      onResolved();
                    },
                  })
                }
              >
                Confirm resolution
              </Button>
            </div>
          </div>
        </Dialog>
      )}
    </form>
  );
}
