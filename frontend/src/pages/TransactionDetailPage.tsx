import { Link, useParams } from "react-router";
import { DataList } from "@/components/materials/DataList";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { OrderMoneyCard } from "@/components/money/OrderMoney";
import { carrierName, DeliveryCard } from "@/components/shipping/DeliveryCard";
import { TransactionActions } from "@/components/transactions/TransactionActions";
import { ButtonLink, Card, CardBody, CardHeader, PageHeader, PageSkeleton, QueryState } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useTransaction } from "@/hooks/transactions";
import { countryName, formatDateTime, formatMoney, formatQuantity, humanize, unitLabel } from "@/lib/format";
import NotFoundPage from "./NotFoundPage";
import { usePageTitle } from "@/lib/usePageTitle";

export default function TransactionDetailPage() {
  const { id } = useParams();
  const { user } = useAuth();
  const q = useTransaction(id);
  usePageTitle(q.data ? `Order — ${q.data.material_title}` : "Order");

  if (q.status !== "success") return <QueryState query={q} loading={<PageSkeleton label="Loading order" />} errorTitle="Could not load this order" notFound={<NotFoundPage />} />;
  const tx = q.data;
  const isBuyer = tx.buyer.user_id === user?.user_id;
  const other = isBuyer ? tx.seller : tx.buyer;
  const a = tx.shipping_address;

  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-stone-500">
        <Link to={`/transactions?role=${isBuyer ? "buyer" : "seller"}`} className="hover:text-stone-800">
          Orders
        </Link>{" "}
        / <span className="text-stone-700">{tx.transaction_id.slice(0, 8)}</span>
      </nav>
      <PageHeader
        eyebrow={isBuyer ? "Purchase" : "Sale"}
        title={tx.material_title}
        description={<>Order {tx.transaction_id}</>}
        actions={
          <>
            <StatusBadge status={tx.status} />
            <ButtonLink to={`/messages/${other.user_id}?material=${tx.material_id}`} state={{ name: other.company_name, materialTitle: tx.material_title }} variant="secondary" size="sm">
              Message {isBuyer ? "seller" : "buyer"}
            </ButtonLink>
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          <Card>
            <CardHeader title="Details" />
            <CardBody>
              <DataList
                items={[
                  [
                    "Material",
                    <Link key="m" to={`/materials/${tx.material_id}`} className="text-brand-700 hover:underline">
                      {tx.material_title}
                    </Link>,
                  ],
                  ...(tx.kind === "sample" ? ([["Kind", "Sample"]] as Array<[string, string]>) : []),
                  ...(tx.lot_code ? ([["Lot", tx.lot_code]] as Array<[string, string]>) : []),
                  ["Quantity", tx.kind === "sample" ? "1 sample" : formatQuantity(tx.quantity, tx.unit)],
                  ["Unit price", tx.kind === "sample" ? `${formatMoney(tx.unit_price, tx.currency)} per sample` : `${formatMoney(tx.unit_price, tx.currency)} / ${unitLabel(tx.unit)}`],
                  ["Goods", formatMoney(tx.goods_total, tx.currency)],
                  ["Shipping", Number(tx.shipping_price) === 0 ? (tx.shipping_method === "zone" ? "Free" : "—") : formatMoney(tx.shipping_price, tx.currency)],
                  ["Total", <strong key="t">{formatMoney(tx.total, tx.currency)}</strong>],
                  ["Buyer", tx.buyer.company_name],
                  ...(tx.purchase_order_reference ? ([["Purchase order", tx.purchase_order_reference]] as Array<[string, string]>) : []),
                  ["Seller", tx.seller.company_name],
                  ["Placed", formatDateTime(tx.created_at)],
                  ...(tx.paid_at ? ([["Paid", formatDateTime(tx.paid_at)]] as Array<[string, string]>) : []),
                  ...(tx.status === "pending" && tx.expires_at ? ([["Reserved until", formatDateTime(tx.expires_at)]] as Array<[string, string]>) : []),
                  ["Last update", formatDateTime(tx.updated_at)],
                ]}
              />
            </CardBody>
          </Card>
          <OrderMoneyCard tx={tx} isSeller={!isBuyer} />
          <DeliveryCard tx={tx} />
          <Card>
            <CardHeader title={tx.shipping_method === "pickup" ? "Pickup" : "Shipping address"} />
            <CardBody>
              {a ? (
                <address className="text-sm not-italic leading-relaxed text-stone-700">
                  {a.recipient_name}
                  <br />
                  {a.line1}
                  {a.line2 && (
                    <>
                      <br />
                      {a.line2}
                    </>
                  )}
                  <br />
                  {a.postal_code} {a.city}
                  {a.region ? `, ${a.region}` : ""}
                  <br />
                  {countryName(a.country)}
                </address>
              ) : (
                <p className="text-sm text-stone-700">
                  {tx.shipping_method === "pickup" ? "Collected from the seller." : "None given: this order came from an accepted offer; agree on delivery in your messages."}
                </p>
              )}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Status history" />
            <CardBody>
              <ol className="relative space-y-4 border-l-2 border-stone-200 pl-5">
                {tx.status_history.map((h, i) => (
                  <li key={i} className="relative">
                    <span className="absolute -left-[1.6rem] top-1 size-3 rounded-full border-2 border-white bg-brand-500" aria-hidden="true" />
                    <p className="text-sm font-medium text-stone-900">{humanize(h.status)}</p>
                    <p className="text-xs text-stone-500">{formatDateTime(h.at)}</p>
                    {h.status === "shipped" && tx.carrier && (
                      <p className="text-xs text-stone-600">
                        {carrierName(tx.carrier)}
                        {tx.tracking_number ? ` · ${tx.tracking_number}` : ""}
                      </p>
                    )}
                  </li>
                ))}
              </ol>
            </CardBody>
          </Card>
        </div>
        <div className="-order-1 lg:sticky lg:top-24 lg:order-none lg:self-start">{user && <TransactionActions tx={tx} viewerId={user.user_id} />}</div>
      </div>
    </div>
  );
}
