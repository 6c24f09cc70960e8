import { DataList } from "@/components/materials/DataList";
import { Badge, Card, CardBody, CardHeader, ListSkeleton, QueryState, ScrollRegion } from "@/components/ui";
import { useOrderLedger } from "@/hooks/admin";
import { formatDateTime, formatMoney } from "@/lib/format";
import type { OrderLedger as Ledger } from "@/lib/types";

const KINDS: Record<string, string> = {
  charge: "Buyer charged",
  fee: "Platform fee",
  refund: "Refund to buyer",
  transfer: "Transfer to seller",
  transfer_reversal: "Transfer reversed",
};

/**
 * Every movement of an order's money as the ledger recorded it, its totals, and whether they
 * agree with the order (the check `fabricloop reconcile` runs): what an operator reads before
 * deciding a refund.
 */
export function OrderLedger({ transactionId }: { transactionId: string }) {
  const q = useOrderLedger(transactionId);
  return (
    <Card>
      <CardHeader title="Money ledger" description="Every movement of this order's money, in the order it was written." action={q.data && <Consistency ledger={q.data} />} />
      <QueryState
        query={q}
        loading={
          <div className="p-5">
            <ListSkeleton label="Loading the ledger" rows={3} />
          </div>
        }
        errorTitle="Could not load the ledger"
        errorClassName="m-5"
      >
        {(ledger) => <LedgerView ledger={ledger} />}
      </QueryState>
    </Card>
  );
}

function Consistency({ ledger }: { ledger: Ledger }) {
  return ledger.consistent ? <Badge tone="green">Balanced</Badge> : <Badge tone="red">Does not balance</Badge>;
}

function LedgerView({ ledger }: { ledger: Ledger }) {
  const currency = ledger.entries[0]?.currency ?? "";
  return (
    <>
      {ledger.problems.length > 0 && (
        <ul role="alert" className="mx-5 mt-4 list-disc space-y-1 rounded-lg bg-red-50 py-3 pl-9 pr-4 text-sm text-red-800">
          {ledger.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {ledger.entries.length === 0 ? (
        <CardBody>
          <p className="text-sm text-stone-600">No money has moved for this order yet.</p>
        </CardBody>
      ) : (
        <ScrollRegion label="Ledger entries">
          <table className="w-full text-left text-sm">
            <thead className="bg-stone-50 text-xs uppercase tracking-wide text-stone-500">
              <tr>
                <th scope="col" className="px-5 py-3 font-medium">
                  Movement
                </th>
                <th scope="col" className="px-5 py-3 font-medium">
                  When
                </th>
                <th scope="col" className="px-5 py-3 text-right font-medium">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {ledger.entries.map((e) => (
                <tr key={e.entry_id}>
                  <td className="px-5 py-3 text-stone-800">
                    <span className="block">{KINDS[e.kind] ?? e.kind}</span>
                    {e.reference && <span className="block break-all font-mono text-xs text-stone-500">{e.reference}</span>}
                  </td>
                  <td className="whitespace-nowrap px-5 py-3 text-stone-600">{formatDateTime(e.created_at)}</td>
                  <td className="whitespace-nowrap px-5 py-3 text-right tabular-nums text-stone-900">{formatMoney(e.amount, e.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {currency && (
        <CardBody className="border-t border-stone-100">
          <DataList
            items={[
              ["Charged", formatMoney(ledger.charges, currency)],
              ["Refunded", formatMoney(ledger.refunds, currency)],
              ["Platform fees", formatMoney(ledger.fees, currency)],
              ["Transferred to the seller", formatMoney(ledger.transferred, currency)],
              ["Held for the seller", formatMoney(ledger.held, currency)],
            ]}
          />
        </CardBody>
      )}
    </>
  );
}
