import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { Button, Card, CardBody, CardHeader, EmptyState, ErrorBanner, ListSkeleton, PageHeader, Pagination, QueryState, ScrollRegion } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { usePayoutAccount, usePayouts, useStartOnboarding } from "@/hooks/money";
import { appPath } from "@/hooks/payments";
import { formatDateTime, formatMoney } from "@/lib/format";
import type { PayoutAccount } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";

const ACCOUNT_TEXT: Record<string, string> = {
  not_started: "Set up a payout account to receive the money of your sales. Until then, your share is held for you.",
  pending: "Onboarding is not finished yet: complete it to receive your payouts.",
  enabled: "Payouts are enabled: completed orders are transferred to your account.",
  restricted: "Your payout account needs attention: complete the missing details.",
};

/** The seller's payout account (onboarding), balances by currency and payouts. */
export default function PayoutsPage() {
  usePageTitle("Payouts");
  const { user } = useAuth();
  if (user && user.role !== "manufacturer") {
    return (
      <div>
        <PageHeader title="Payouts" />
        <EmptyState title="Payouts are for sellers" description="Sellers receive payouts for their sales; buyers pay at checkout." action={<Link to="/transactions">Your orders</Link>} />
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <PageHeader title="Payouts" description="Your share of each sale (the total less the platform's commission and refunds) is paid out once the buyer has the goods." />
      <AccountCard />
      <PayoutsCard />
    </div>
  );
}

function AccountCard() {
  const account = usePayoutAccount();
  const start = useStartOnboarding();
  const navigate = useNavigate();
  const onboard = () =>
    start.mutate(undefined, {
      onSuccess: (res) => {
        const url = res.onboarding_url;
        // The sandbox's onboarding is a page of this app; Stripe's is its own site.
        if (url.startsWith(window.location.origin) || url.startsWith("/")) void navigate(appPath(url));
        else window.location.assign(url);
      },
    });
  return (
    <Card>
      <CardHeader title="Payout account" action={account.data && <StatusBadge status={account.data.status} />} />
      <CardBody className="space-y-3">
        <QueryState query={account} loading={<ListSkeleton label="Loading your payout account" rows={2} />} errorTitle="Could not load your payout account">
          {(a: PayoutAccount) => (
            <>
              <p className="text-sm text-stone-700">{ACCOUNT_TEXT[a.status] ?? a.status}</p>
              {start.error != null && <ErrorBanner error={start.error} title="Onboarding could not start" />}
              {!a.payouts_enabled && (
                <Button onClick={onboard} loading={start.isPending}>
                  {a.status === "not_started" ? "Set up payouts" : "Continue onboarding"}
                </Button>
              )}
            </>
          )}
        </QueryState>
      </CardBody>
    </Card>
  );
}

function PayoutsCard() {
  const [page, setPage] = useState(1);
  const q = usePayouts(page);
  return (
    <QueryState query={q} loading={<ListSkeleton label="Loading payouts" />} errorTitle="Could not load your payouts">
      {(data) => (
        <>
          <Card>
            <CardHeader title="Balances" description="Held: paid orders not yet completed (or disputed). Scheduled: on its way. Paid: transferred." />
            <CardBody>
              {data.balances.length === 0 ? (
                <p className="text-sm text-stone-600">No sales paid yet.</p>
              ) : (
                <ScrollRegion label="Balances by currency">
                  <table className="w-full text-sm">
                    <caption className="sr-only">Balances by currency</caption>
                    <thead>
                      <tr className="text-left text-xs uppercase tracking-wide text-stone-500">
                        {["Currency", "Held", "Scheduled", "Paid"].map((h, i) => (
                          <th key={h} scope="col" className={i === 0 ? "py-2 pr-4 font-medium" : "py-2 pr-4 text-right font-medium"}>
                            {h}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-stone-100">
                      {data.balances.map((b) => (
                        <tr key={b.currency}>
                          <th scope="row" className="py-2 pr-4 text-left font-medium text-stone-900">
                            {b.currency}
                          </th>
                          {[b.held, b.scheduled, b.paid].map((amount, i) => (
                            <td key={i} className="py-2 pr-4 text-right tabular-nums">
                              {formatMoney(amount, b.currency)}
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </ScrollRegion>
              )}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Payouts" />
            <CardBody>
              {data.payouts.length === 0 ? (
                <p className="text-sm text-stone-600">No payouts yet: they are made when an order completes.</p>
              ) : (
                <ul className="divide-y divide-stone-100" aria-label="Payouts">
                  {data.payouts.map((p) => (
                    <li key={p.payout_id} className="flex flex-wrap items-center justify-between gap-2 py-2.5 text-sm">
                      <div>
                        <p className="font-medium tabular-nums text-stone-900">{formatMoney(p.amount, p.currency)}</p>
                        <p className="text-xs text-stone-500">{formatDateTime(p.created_at)}</p>
                      </div>
                      <div className="flex items-center gap-3">
                        <StatusBadge status={p.status} />
                        <Link to={`/transactions/${p.transaction_id}`} className="text-brand-700 hover:underline">
                          Order {p.transaction_id.slice(0, 8)}
                        </Link>
                      </div>
                    </li>
                  ))}
                </ul>
              )}
              <Pagination page={data.page} limit={data.limit} total={data.total} onPageChange={setPage} />
            </CardBody>
          </Card>
        </>
      )}
    </QueryState>
  );
}
