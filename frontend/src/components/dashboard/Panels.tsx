import type { ReactNode } from "react";
import { Link } from "react-router";
import { MaterialThumb } from "@/components/materials/MaterialCard";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { ButtonLink, Card, CardHeader, CountBadge, QueryState, BlockSpinner } from "@/components/ui";
import { useConversations } from "@/hooks/messages";
import { useMaterialSearch } from "@/hooks/materials";
import { useTransactions } from "@/hooks/transactions";
import { formatDate, formatMoney, formatQuantity, formatRelative, unitLabel } from "@/lib/format";
import type { TransactionStatus } from "@/lib/types";

function Empty({ children }: { children: ReactNode }) {
  return <p className="px-5 py-6 text-sm text-stone-500">{children}</p>;
}

export function MyListingsPanel({ sellerId }: { sellerId: string }) {
  const q = useMaterialSearch({ seller_id: sellerId, sort: "newest", limit: 5 });
  return (
    <Card>
      <CardHeader
        title="My active listings"
        description={q.data ? `${q.data.total} active` : undefined}
        action={
          <ButtonLink to="/materials/new" size="sm">
            + List material
          </ButtonLink>
        }
      />
      <QueryState
        query={q}
        loading={<BlockSpinner className="p-6" />}
        errorClassName="m-4"
        isEmpty={(d) => d.materials.length === 0}
        empty={<Empty>You have no active listings. List your surplus to reach brands looking for circular materials.</Empty>}
      >
        {(data) => (
          <ul className="divide-y divide-stone-100">
            {data.materials.map((m) => (
              <li key={m.material_id}>
                <Link to={`/materials/${m.material_id}`} className="flex items-center gap-3 px-5 py-3 hover:bg-stone-50">
                  <MaterialThumb src={m.thumbnail_url} alt="" className="size-12 shrink-0 rounded-lg" />
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-medium text-stone-900">{m.title}</p>
                    <p className="text-xs text-stone-500">{formatQuantity(m.quantity, m.unit)} available</p>
                  </div>
                  <p className="text-sm font-medium text-stone-900">
                    {formatMoney(m.price, m.currency)}
                    <span className="text-xs font-normal text-stone-500">/{unitLabel(m.unit)}</span>
                  </p>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}

export function TransactionsPanel({ role, status, title, empty }: { role: "buyer" | "seller"; status?: TransactionStatus; title: string; empty: string }) {
  const q = useTransactions({ role, ...(status ? { status } : {}), limit: 5, page: 1 });
  const more = `/transactions?role=${role}${status ? `&status=${status}` : ""}`;
  return (
    <Card>
      <CardHeader
        title={title}
        description={q.data ? `${q.data.total} in total` : undefined}
        action={
          <Link to={more} className="text-sm font-medium text-brand-700 hover:underline">
            View all
          </Link>
        }
      />
      <QueryState query={q} loading={<BlockSpinner className="p-6" />} errorClassName="m-4" isEmpty={(d) => d.transactions.length === 0} empty={<Empty>{empty}</Empty>}>
        {(data) => (
          <ul className="divide-y divide-stone-100">
            {data.transactions.map((t) => (
              <li key={t.transaction_id}>
                <Link to={`/transactions/${t.transaction_id}`} className="flex items-center gap-3 px-5 py-3 hover:bg-stone-50">
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-medium text-stone-900">{t.material_title}</p>
                    <p className="text-xs text-stone-500">
                      {role === "buyer" ? t.seller.company_name : t.buyer.company_name} · {formatDate(t.created_at)}
                    </p>
                  </div>
                  <div className="text-right">
                    <p className="text-sm font-medium text-stone-900">{formatMoney(t.total, t.currency)}</p>
                    <StatusBadge status={t.status} />
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}

export function RecentMessagesPanel() {
  const q = useConversations({ poll: false });
  return (
    <Card>
      <CardHeader
        title="Recent messages"
        action={
          <Link to="/messages" className="text-sm font-medium text-brand-700 hover:underline">
            Open inbox
          </Link>
        }
      />
      <QueryState query={q} loading={<BlockSpinner className="p-6" />} errorClassName="m-4" isEmpty={(d) => d.conversations.length === 0} empty={<Empty>No conversations yet.</Empty>}>
        {(data) => (
          <ul className="divide-y divide-stone-100">
            {data.conversations.slice(0, 5).map((c) => (
              <li key={c.user_id}>
                <Link to={`/messages/${c.user_id}`} className="block px-5 py-3 hover:bg-stone-50">
                  <div className="flex items-center justify-between gap-2">
                    <span className="truncate text-sm font-medium text-stone-900">{c.company_name}</span>
                    <span className="flex items-center gap-2 text-xs text-stone-500">
                      {formatRelative(c.last_message?.sent_at ?? c.updated_at)}
                      <CountBadge count={c.unread_count} label={`${c.unread_count} unread`} />
                    </span>
                  </div>
                  {c.last_message && <p className="truncate text-sm text-stone-500">{c.last_message.content}</p>}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}
