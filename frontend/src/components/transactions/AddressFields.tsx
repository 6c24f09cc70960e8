import { CountryInput, Input } from "@/components/ui";
import type { Errors } from "@/lib/validation";

export interface AddressForm {
  recipient_name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
}

export const emptyAddress = (): AddressForm => ({ recipient_name: "", line1: "", line2: "", city: "", region: "", postal_code: "", country: "" });

export function validateAddress(a: AddressForm): Errors {
  const e: Errors = {};
  if (!a.recipient_name.trim()) e.recipient_name = "Recipient is required.";
  if (!a.line1.trim()) e.line1 = "Address is required.";
  if (!a.city.trim()) e.city = "City is required.";
  if (!a.postal_code.trim()) e.postal_code = "Postal code is required.";
  if (!/^[A-Z]{2}$/.test(a.country)) e.country = "Choose a country from the list.";
  for (const k of Object.keys(a) as Array<keyof AddressForm>) if (a[k].length > 200) e[k] = "At most 200 characters.";
  return e;
}

/** Whether every required line is filled in (a pickup order sends the address only then). */
export function validateAddressComplete(a: AddressForm): boolean {
  return Object.keys(validateAddress(a)).length === 0;
}

export function toAddressBody(a: AddressForm) {
  return {
    recipient_name: a.recipient_name.trim(),
    line1: a.line1.trim(),
    ...(a.line2.trim() ? { line2: a.line2.trim() } : {}),
    city: a.city.trim(),
    ...(a.region.trim() ? { region: a.region.trim() } : {}),
    postal_code: a.postal_code.trim(),
    country: a.country,
  };
}

export function AddressFields({ value, onChange, errors, disabled }: { value: AddressForm; onChange: (a: AddressForm) => void; errors: Errors; disabled?: boolean }) {
  const field = (k: keyof AddressForm) => ({
    value: value[k],
    onChange: (e: { target: { value: string } }) => onChange({ ...value, [k]: e.target.value }),
    error: errors[k] ?? errors[`shipping_address.${k}`],
    disabled,
  });
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Input label="Recipient name" autoComplete="name" wrapperClassName="sm:col-span-2" required {...field("recipient_name")} />
      <Input label="Address line 1" autoComplete="address-line1" wrapperClassName="sm:col-span-2" required {...field("line1")} />
      <Input label="Address line 2" autoComplete="address-line2" wrapperClassName="sm:col-span-2" {...field("line2")} />
      <Input label="City" autoComplete="address-level2" required {...field("city")} />
      <Input label="Region / state" autoComplete="address-level1" {...field("region")} />
      <Input label="Postal code" autoComplete="postal-code" required {...field("postal_code")} />
      <CountryInput
        label="Country"
        required
        value={value.country}
        onChange={(country) => onChange({ ...value, country })}
        error={errors.country ?? errors["shipping_address.country"]}
        disabled={disabled}
      />
    </div>
  );
}
