import { Link } from "react-router";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { formatDate, formatMoney, formatQuantity } from "@/lib/format";
import type { TransactionSummary } from "@/lib/types";

export function TransactionTable({ transactions, role }: { transactions: TransactionSummary[]; role: "buyer" | "seller" }) {
  return (
    <div className="overflow-hidden rounded-2xl border border-stone-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="hidden bg-stone-50 text-xs uppercase tracking-wide text-stone-500 sm:table-header-group">
          <tr>
            <th className="px-4 py-3 font-medium">Material</th>
            <th className="px-4 py-3 font-medium">{role === "buyer" ? "Seller" : "Buyer"}</th>
            <th className="px-4 py-3 font-medium">Quantity</th>
            <th className="px-4 py-3 font-medium">Total</th>
            <th className="px-4 py-3 font-medium">Status</th>
            <th className="px-4 py-3 font-medium">Date</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {transactions.map((t) => (
            <tr key={t.transaction_id} className="grid grid-cols-2 gap-1 px-4 py-3 hover:bg-stone-50 sm:table-row sm:p-0">
              <td className="col-span-2 font-medium sm:px-4 sm:py-3">
                <Link to={`/transactions/${t.transaction_id}`} className="text-stone-900 hover:text-brand-800 hover:underline">
                  {t.material_title}
                </Link>
              </td>
              <td className="text-stone-600 sm:px-4 sm:py-3">{role === "buyer" ? t.seller.company_name : t.buyer.company_name}</td>
              <td className="text-right text-stone-600 sm:px-4 sm:py-3 sm:text-left">{formatQuantity(t.quantity, t.unit)}</td>
              <td className="font-medium text-stone-900 sm:px-4 sm:py-3">{formatMoney(t.total, t.currency)}</td>
              <td className="text-right sm:px-4 sm:py-3 sm:text-left">
                <StatusBadge status={t.status} />
              </td>
              <td className="col-span-2 text-xs text-stone-500 sm:px-4 sm:py-3 sm:text-sm">{formatDate(t.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
