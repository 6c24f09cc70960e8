import { Link } from "react-router";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { ButtonLink, EmptyState, ListSkeleton, PageHeader, Pagination, QueryState } from "@/components/ui";
import { SegmentedToggle, StatusFilter, useListParams } from "@/components/ui/ListControls";
import { useAuth } from "@/hooks/auth";
import { useOffers } from "@/hooks/offers";
import { formatDateTime, formatMoney, formatNumber } from "@/lib/format";
import { offerRights } from "@/lib/trade";
import type { OfferStatus } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";

const STATUSES: OfferStatus[] = ["open", "accepted", "declined", "withdrawn", "expired"];

/** The offers the user made (as a buyer) or received (as a seller), latest activity first. */
export default function OffersPage() {
  const { user } = useAuth();
  const { params, set, page } = useListParams();
  const role = (params.get("role") ?? (user?.role === "manufacturer" ? "seller" : "buyer")) === "seller" ? "seller" : "buyer";
  const status = STATUSES.find((s) => s === params.get("status"));
  const q = useOffers({ role, ...(status ? { status } : {}), page, limit: 20 });
  usePageTitle("Offers");

  return (
    <div>
      <PageHeader title="Offers" description="Price negotiations on listings: each round, whose turn it is, and the order an accepted offer became." />
      <div className="mb-5 flex flex-wrap items-center justify-between gap-3">
        <SegmentedToggle
          label="Show"
          value={role}
          options={[
            { value: "buyer", label: "Made" },
            { value: "seller", label: "Received" },
          ]}
          onChange={(r) => set({ role: r })}
        />
        <StatusFilter value={status} statuses={STATUSES} onChange={(s) => set({ status: s })} />
      </div>
      <QueryState
        query={q}
        loading={<ListSkeleton label="Loading offers" />}
        errorTitle="Could not load offers"
        isEmpty={(d) => d.offers.length === 0}
        empty={
          <EmptyState
            title={status ? `No ${status} offers` : role === "buyer" ? "No offers made yet" : "No offers received yet"}
            description={role === "buyer" ? "Make an offer from a listing's page to negotiate price and quantity." : "Buyers' offers on your listings appear here."}
            action={role === "buyer" ? <ButtonLink to="/materials">Browse materials</ButtonLink> : undefined}
          />
        }
      >
        {(data) => (
          <div className={q.isPlaceholderData ? "opacity-60" : ""}>
            <ul className="divide-y divide-stone-100 overflow-hidden rounded-2xl border border-stone-200 bg-white" aria-label="Offers">
              {data.offers.map((o) => {
                const rights = offerRights(o, user?.user_id);
                const yourTurn = rights.accept;
                return (
                  <li key={o.offer_id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 hover:bg-stone-50">
                    <div className="min-w-0">
                      <Link to={`/offers/${o.offer_id}`} className="font-medium text-stone-900 hover:text-brand-800 hover:underline">
                        {o.material_title}
                      </Link>
                      <p className="text-sm text-stone-600">
                        {role === "buyer" ? o.seller.company_name : o.buyer.company_name} · {formatNumber(o.quantity, 3)}
                        {o.lot_code ? ` of lot ${o.lot_code}` : ""} at {formatMoney(o.unit_price, o.currency)} each
                      </p>
                      <p className="text-xs text-stone-500">
                        {o.rounds.length} {o.rounds.length === 1 ? "round" : "rounds"} · updated {formatDateTime(o.updated_at)}
                      </p>
                    </div>
                    <div className="flex items-center gap-2">
                      {yourTurn && <span className="rounded-full bg-brand-700 px-2.5 py-0.5 text-xs font-medium text-white">Your turn</span>}
                      <StatusBadge status={o.status} />
                    </div>
                  </li>
                );
              })}
            </ul>
            <Pagination page={data.page} limit={data.limit} total={data.total} onPageChange={(p) => set({ page: String(p) })} />
          </div>
        )}
      </QueryState>
    </div>
  );
}
