import { Link } from "react-router";
import { DeliveryQuote } from "@/components/shipping/DeliveryQuote";
import { Badge, ButtonLink, Card, CardBody } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { formatMoney, formatQuantity, humanize, unitLabel } from "@/lib/format";
import type { MaterialDetail } from "@/lib/types";
import { OwnerActions } from "../OwnerActions";
import { StatusBadge } from "../StatusBadge";
import { VerifiedBadge } from "../VerifiedBadge";
import { TierTable, TradePanel } from "./TradePanel";

/** What the listing is, who sells it, its price, and the action open to the viewer. */
export function BuyBox({ material: m, className }: { material: MaterialDetail; className?: string }) {
  return (
    <Card className={className}>
      <CardBody className="space-y-4">
        <div className="flex flex-wrap gap-1.5">
          <Badge tone="brand">{humanize(m.material_type)}</Badge>
          <Badge>{humanize(m.source_type)}</Badge>
          {m.status !== "active" && <StatusBadge status={m.status} />}
        </div>
        <h1 className="text-2xl font-semibold tracking-tight text-stone-900">{m.title}</h1>
        <p className="text-sm text-stone-600">
          Sold by{" "}
          <Link to={`/sellers/${m.seller.user_id}`} className="font-medium text-stone-900 underline decoration-stone-300 underline-offset-2 hover:decoration-stone-900">
            {m.seller.company_name}
          </Link>{" "}
          <VerifiedBadge seller={m.seller} />
        </p>
        <p className="text-3xl font-semibold text-stone-900">
          {formatMoney(m.price, m.currency)}
          <span className="text-base font-normal text-stone-500"> / {unitLabel(m.unit)}</span>
        </p>
        <p className="text-sm text-stone-600">
          {formatQuantity(m.quantity, m.unit)} available{m.lots.length > 0 && ` in ${m.lots.length} ${m.lots.length === 1 ? "lot" : "lots"}`}
        </p>
        {(m.status === "active" || m.status === "sold_out") && <DeliveryQuote material={m} />}
        <BuyAction material={m} />
      </CardBody>
    </Card>
  );
}

/** The owner's actions, the buyer's (quantity, "Buy now", offer, sample), "Sign in to buy", or
 * why it cannot be bought. */
function BuyAction({ material: m }: { material: MaterialDetail }) {
  const { user, status } = useAuth();
  if (user?.user_id === m.seller.user_id)
    return (
      <>
        <TierTable material={m} quantity={null} />
        <OwnerActions material={m} />
      </>
    );
  if (status !== "authenticated") {
    return (
      <>
        <TierTable material={m} quantity={null} />
        <ButtonLink to={`/login?next=${encodeURIComponent(`/materials/${m.material_id}`)}`} size="lg" className="w-full">
          Sign in to buy
        </ButtonLink>
      </>
    );
  }
  if (Number(m.quantity) > 0 && m.status === "active") return <TradePanel material={m} />;
  return <p className="rounded-lg bg-stone-100 p-3 text-sm text-stone-600">This material is not available to buy right now.</p>;
}
