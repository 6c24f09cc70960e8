import { type FormEvent, useState } from "react";
import { Button, Card, CardBody, CardHeader, CountrySelect, ErrorBanner, Input, Select, SuccessBanner } from "@/components/ui";
import { useSaveShippingProfile } from "@/hooks/shipping";
import { ApiError } from "@/lib/errors";
import type { ShippingProfile } from "@/lib/types";
import { ZoneFields } from "./ZoneFields";
import { emptyZone, type ProfileForm, toBody, toForm } from "./zoneForm";

const INCOTERMS = [
  { value: "EXW", label: "EXW: buyer collects and arranges transport" },
  { value: "FCA", label: "FCA: handed to the buyer's carrier" },
  { value: "DAP", label: "DAP: delivered, buyer pays import duties" },
  { value: "DDP", label: "DDP: delivered, duties paid" },
];

/** The seller's whole shipping profile, saved in one go. */
export function ProfileEditor({ profile }: { profile: ShippingProfile | null }) {
  const save = useSaveShippingProfile();
  const [form, setForm] = useState<ProfileForm>(() => toForm(profile));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const [body, problems] = toBody(form);
    setErrors(problems);
    if (!body) return;
    save.mutate(body, {
      onSuccess: (data) => {
        setForm(toForm(data));
        setSaved(true);
      },
      onError: (err) => {
        if (err instanceof ApiError) setErrors(err.fieldErrors());
      },
    });
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {save.error && <ErrorBanner error={save.error} title="The profile was not saved" />}
      {saved && <SuccessBanner>Shipping profile saved. Buyers see the new prices at once.</SuccessBanner>}
      <Card>
        <CardHeader title="Dispatch" description="Where orders leave from, how long you take to hand them over, and who carries the risk." />
        <CardBody className="grid gap-4 sm:grid-cols-2">
          <CountrySelect label="Ships from" value={form.ships_from} onChange={(ships_from) => setForm({ ...form, ships_from })} error={errors.ships_from} required />
          <Input
            label="Handling days"
            inputMode="numeric"
            value={form.handling_days}
            onChange={(e) => setForm({ ...form, handling_days: e.target.value })}
            error={errors.handling_days}
            hint="0-60, before the carrier has it"
            required
          />
          <Select label="Incoterm" value={form.incoterm} onChange={(e) => setForm({ ...form, incoterm: e.target.value as ProfileForm["incoterm"] })} options={INCOTERMS} error={errors.incoterm} />
          <label className="flex items-center gap-2 self-end pb-2 text-sm text-stone-700">
            <input type="checkbox" checked={form.pickup_available} onChange={(e) => setForm({ ...form, pickup_available: e.target.checked })} className="size-4 rounded border-stone-300" />
            Buyers may collect orders (pickup)
          </label>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Zones" description="Each zone prices delivery to its countries: base price + price per kg of the order, free from a goods total. Amounts are in each listing's currency." />
        <CardBody className="space-y-4">
          {form.zones.map((zone, i) => (
            <ZoneFields
              key={zone.key}
              index={i}
              zone={zone}
              errors={errors}
              onChange={(z) => setForm({ ...form, zones: form.zones.map((x) => (x.key === z.key ? z : x)) })}
              onRemove={() => setForm({ ...form, zones: form.zones.filter((x) => x.key !== zone.key) })}
            />
          ))}
          {form.zones.length === 0 && <p className="text-sm text-stone-500">No zones: buyers can only collect (if pickup is on).</p>}
          <Button type="button" variant="secondary" onClick={() => setForm({ ...form, zones: [...form.zones, emptyZone()] })} disabled={form.zones.length >= 50}>
            Add a zone
          </Button>
        </CardBody>
      </Card>
      <Button type="submit" loading={save.isPending}>
        Save shipping profile
      </Button>
    </form>
  );
}
