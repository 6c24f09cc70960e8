import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { DataList } from "@/components/materials/DataList";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { Button, ButtonLink, Card, CardBody, CardHeader, ConfirmDialog, ErrorBanner, Input, PageHeader, PageSkeleton, QueryState, SuccessBanner } from "@/components/ui";
import { type AddressForm, AddressFields, emptyAddress, toAddressBody, validateAddress } from "@/components/transactions/AddressFields";
import { useAuth } from "@/hooks/auth";
import { useMaterial } from "@/hooks/materials";
import { useOffer, useOfferAction } from "@/hooks/offers";
import { ApiError } from "@/lib/errors";
import { formatDateTime, formatMoney, formatQuantity, unitLabel, unitsLabel } from "@/lib/format";
import { offerRights, quantityProblem } from "@/lib/trade";
import type { MaterialDetail, Offer } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";
import { type Errors, parseDecimal } from "@/lib/validation";
import NotFoundPage from "./NotFoundPage";

/** One offer: its rounds, whose turn it is, and the answers open to the viewer. */
export default function OfferPage() {
  const { id } = useParams();
  const q = useOffer(id);
  usePageTitle(q.data ? `Offer — ${q.data.material_title}` : "Offer");
  return (
    <QueryState query={q} loading={<PageSkeleton label="Loading offer" />} errorTitle="Could not load this offer" notFound={<NotFoundPage />}>
      {(offer) => <OfferView offer={offer} />}
    </QueryState>
  );
}

function OfferView({ offer: o }: { offer: Offer }) {
  const { user } = useAuth();
  // The listing gives the unit and the terms a counter must keep (it may be gone by now).
  const material = useMaterial(o.material_id);
  const m = material.data;
  const unit = m?.unit ?? "";
  const rights = offerRights(o, user?.user_id);
  const other = rights.side === "buyer" ? o.seller : o.buyer;
  const total = Number(o.quantity) * Number(o.unit_price);
  const turnText = o.status !== "open" ? null : rights.accept ? "Your turn: accept, counter or decline." : `Waiting for ${other.company_name} to answer.`;

  return (
    <div className="mx-auto max-w-4xl">
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-stone-500">
        <Link to={`/offers?role=${rights.side ?? "buyer"}`} className="hover:text-stone-800">
          Offers
        </Link>{" "}
        / <span className="text-stone-700">{o.offer_id.slice(0, 8)}</span>
      </nav>
      <PageHeader
        eyebrow={rights.side === "seller" ? "Offer received" : "Your offer"}
        title={o.material_title}
        description={turnText}
        actions={
          <>
            <StatusBadge status={o.status} />
            <ButtonLink to={`/messages/${other.user_id}?material=${o.material_id}`} state={{ name: other.company_name, materialTitle: o.material_title }} variant="secondary" size="sm">
              Message {rights.side === "buyer" ? "seller" : "buyer"}
            </ButtonLink>
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          <Card>
            <CardHeader title="Current terms" />
            <CardBody>
              <DataList
                items={[
                  [
                    "Material",
                    <Link key="m" to={`/materials/${o.material_id}`} className="text-brand-700 hover:underline">
                      {o.material_title}
                    </Link>,
                  ],
                  ...(o.lot_code ? ([["Lot", o.lot_code]] as Array<[string, string]>) : []),
                  ["Quantity", unit ? formatQuantity(o.quantity, unit) : String(o.quantity)],
                  ["Unit price", `${formatMoney(o.unit_price, o.currency)}${unit ? ` / ${unitLabel(unit)}` : ""}`],
                  ["Total", <strong key="t">{formatMoney(total, o.currency)}</strong>],
                  ["Buyer", o.buyer.company_name],
                  ["Seller", o.seller.company_name],
                  [o.status === "open" ? "Expires" : "Last update", formatDateTime(o.status === "open" ? o.expires_at : o.updated_at)],
                ]}
              />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Rounds" description="Each round is also a message in your conversation about this listing." />
            <CardBody>
              <ol className="space-y-3" aria-label="Rounds">
                {o.rounds.map((r, i) => (
                  <li key={i} className="flex flex-wrap items-baseline justify-between gap-2 rounded-xl border border-stone-200 px-3 py-2 text-sm">
                    <span className="font-medium text-stone-900">
                      {i + 1}. {r.by === rights.side ? "You" : r.by === "buyer" ? o.buyer.company_name : o.seller.company_name} {i === 0 ? "offered" : "countered"}
                    </span>
                    <span className="tabular-nums text-stone-800">
                      {unit ? formatQuantity(r.quantity, unit) : r.quantity} at {formatMoney(r.unit_price, o.currency)}
                      {unit ? ` / ${unitLabel(unit)}` : ""}
                    </span>
                    <time className="w-full text-xs text-stone-500" dateTime={r.at}>
                      {formatDateTime(r.at)}
                    </time>
                  </li>
                ))}
              </ol>
            </CardBody>
          </Card>
        </div>
        <div className="-order-1 space-y-4 lg:sticky lg:top-24 lg:order-none lg:self-start">
          <OfferActions offer={o} material={m} />
        </div>
      </div>
    </div>
  );
}

type Pending = "accept" | "decline" | "withdraw" | null;

function OfferActions({ offer: o, material: m }: { offer: Offer; material: MaterialDetail | undefined }) {
  const { user } = useAuth();
  const rights = offerRights(o, user?.user_id);
  const action = useOfferAction(o.offer_id);
  const [confirm, setConfirm] = useState<Pending>(null);
  const [countered, setCountered] = useState(false);
  // The buyer accepting may say where the order goes (else it is agreed in messages).
  const [address, setAddress] = useState<AddressForm>(emptyAddress);
  const [addressErrors, setAddressErrors] = useState<Errors>({});

  if (o.status === "accepted" && o.transaction_id) {
    return (
      <Card>
        <CardHeader
          title="Offer accepted"
          description={rights.side === "buyer" ? "An order at the agreed price is reserved for you: pay it to confirm." : "An order at the agreed price was created; the buyer pays it."}
        />
        <CardBody>
          <ButtonLink to={`/transactions/${o.transaction_id}`} className="w-full">
            {rights.side === "buyer" ? "Go to the order and pay" : "View the order"}
          </ButtonLink>
        </CardBody>
      </Card>
    );
  }
  if (o.status !== "open") {
    return <p className="rounded-xl bg-stone-100 p-4 text-sm text-stone-700">This offer is {o.status}; nothing more can be done with it. You can make a new offer from the listing.</p>;
  }

  const run = (kind: Exclude<Pending, null>) => {
    const given = (Object.keys(address) as Array<keyof AddressForm>).some((k) => address[k].trim() !== "");
    if (kind === "accept" && rights.side === "buyer" && given) {
      const errs = validateAddress(address);
      setAddressErrors(errs);
      if (Object.keys(errs).length) return;
    }
    const body = kind === "accept" && rights.side === "buyer" && given ? { shipping_address: toAddressBody(address) } : {};
    action.mutate(kind === "accept" ? { kind, body } : { kind }, {
      onSuccess: () => setConfirm(null),
    });
  };
  const dialogs: Record<Exclude<Pending, null>, { title: string; text: string; label: string; danger?: boolean }> = {
    accept: {
      title: "Accept this offer?",
      text: `An order of ${m ? formatQuantity(o.quantity, m.unit) : o.quantity} at ${formatMoney(o.unit_price, o.currency)} each (${formatMoney(Number(o.quantity) * Number(o.unit_price), o.currency)}) is created and its stock reserved; the buyer then pays it.`,
      label: "Accept offer",
    },
    decline: { title: "Decline this offer?", text: "The negotiation ends; the buyer may make a new offer.", label: "Decline offer", danger: true },
    withdraw: { title: "Withdraw your round?", text: "The negotiation ends and the other party can no longer accept it.", label: "Withdraw", danger: true },
  };
  const d = confirm ? dialogs[confirm] : null;

  return (
    <>
      {countered && <SuccessBanner>Counter-offer sent.</SuccessBanner>}
      {action.error != null && !confirm && <ErrorBanner error={action.error} title="The offer could not be updated" />}
      {(rights.accept || rights.decline) && (
        <Card>
          <CardHeader title="Answer this offer" />
          <CardBody className="flex flex-col gap-2">
            <Button onClick={() => setConfirm("accept")}>Accept offer</Button>
            <Button variant="ghost" className="text-red-700" onClick={() => setConfirm("decline")}>
              Decline
            </Button>
          </CardBody>
        </Card>
      )}
      {rights.counter && <CounterForm offer={o} material={m} onSent={() => setCountered(true)} />}
      {rights.withdraw && (
        <Card>
          <CardHeader title="Waiting for an answer" description="You made the last round; the other party answers it." />
          <CardBody>
            <Button variant="secondary" className="w-full" onClick={() => setConfirm("withdraw")}>
              Withdraw offer
            </Button>
          </CardBody>
        </Card>
      )}
      <ConfirmDialog
        open={d !== null}
        title={d?.title ?? ""}
        confirmLabel={d?.label ?? ""}
        danger={d?.danger}
        role={d?.danger ? "alertdialog" : "dialog"}
        loading={action.isPending}
        error={action.error}
        onCancel={() => {
          setConfirm(null);
          action.reset();
        }}
        onConfirm={() => confirm && run(confirm)}
      >
        <p>{d?.text}</p>
        {confirm === "accept" && rights.side === "buyer" && (
          <fieldset className="space-y-3">
            <legend className="font-medium text-stone-900">Delivery address (optional)</legend>
            <AddressFields value={address} onChange={setAddress} errors={addressErrors} />
          </fieldset>
        )}
      </ConfirmDialog>
    </>
  );
}

function CounterForm({ offer: o, material: m, onSent }: { offer: Offer; material: MaterialDetail | undefined; onSent: () => void }) {
  const action = useOfferAction(o.offer_id);
  const [qty, setQty] = useState(String(o.quantity));
  const [price, setPrice] = useState(String(o.unit_price));
  const [message, setMessage] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const unit = m?.unit ?? "";
  const whole = unit === "roll" || unit === "piece";
  const lot = m?.lots.find((l) => l.lot_code === o.lot_code);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const [q, qErr] = parseDecimal(qty, { decimals: 3, min: 0, exclusiveMin: true, label: "Quantity", required: true, integer: whole });
    if (qErr) errs.quantity = qErr;
    else if (q !== null && m) {
      const problem = quantityProblem(q, m, lot ? lot.quantity : m.quantity);
      if (problem) errs.quantity = problem;
    }
    const [p, pErr] = parseDecimal(price, { decimals: 2, min: 0, label: "Unit price", required: true });
    if (pErr) errs.unit_price = pErr;
    if (message.length > 2000) errs.message = "At most 2000 characters.";
    setErrors(errs);
    if (Object.keys(errs).length || q === null || p === null) return;
    action.mutate(
      { kind: "counter", body: { quantity: q, unit_price: p, ...(message.trim() ? { message: message.trim() } : {}) } },
      {
        onSuccess: () => {
          setMessage("");
          onSent();
        },
        onError: (err) => {
          if (err instanceof ApiError) setErrors(err.fieldErrors());
        },
      },
    );
  };
  return (
    <Card>
      <CardHeader title="Counter-offer" description="Propose another quantity or price; the other party then answers." />
      <CardBody>
        <form onSubmit={submit} noValidate className="space-y-3">
          {action.error != null && <ErrorBanner error={action.error} title="The counter-offer was not sent" />}
          <Input label={`Quantity${unit ? ` (${unitsLabel(unit)})` : ""}`} inputMode="decimal" value={qty} onChange={(e) => setQty(e.target.value)} error={errors.quantity} required />
          <Input label={`Unit price (${o.currency})`} inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} error={errors.unit_price} required />
          <Input label="Message (optional)" value={message} onChange={(e) => setMessage(e.target.value)} error={errors.message} maxLength={2000} />
          <Button type="submit" variant="secondary" className="w-full" loading={action.isPending}>
            Send counter-offer
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
