import { Button, CountrySelect, Input } from "@/components/ui";
import { countryName } from "@/lib/format";
import type { ZoneForm } from "./zoneForm";

interface Props {
  index: number;
  zone: ZoneForm;
  errors: Record<string, string>;
  onChange: (zone: ZoneForm) => void;
  onRemove: () => void;
}

/** One zone: its name, countries picked from the list, prices and transit days. */
export function ZoneFields({ index, zone, errors, onChange, onRemove }: Props) {
  const at = `zones.${index}`;
  const set = (k: keyof ZoneForm) => (e: { target: { value: string } }) => onChange({ ...zone, [k]: e.target.value });
  const add = (code: string) => {
    if (code && !zone.countries.includes(code)) onChange({ ...zone, countries: [...zone.countries, code] });
  };
  const countriesError = errors[`${at}.countries`] ?? Object.entries(errors).find(([k]) => k.startsWith(`${at}.countries.`))?.[1];
  return (
    <fieldset className="space-y-4 rounded-xl border border-stone-200 p-4" aria-label={`Zone ${index + 1}`}>
      <div className="flex items-end gap-3">
        <Input label="Zone name" value={zone.name} onChange={set("name")} error={errors[`${at}.name`]} maxLength={100} wrapperClassName="flex-1" placeholder="e.g. EU" required />
        <Button type="button" variant="ghost" className="text-red-700" onClick={onRemove}>
          Remove zone
        </Button>
      </div>
      <div className="space-y-2">
        <CountrySelect label="Add a country" value="" onChange={add} error={countriesError} placeholder="Choose a country to add" />
        <ul className="flex flex-wrap gap-2" aria-label={`Countries of zone ${index + 1}`}>
          {zone.countries.map((c) => (
            <li key={c} className="flex items-center gap-1 rounded-full bg-brand-50 py-1 pr-1 pl-3 text-xs font-medium text-brand-900">
              {countryName(c)}
              <button
                type="button"
                className="rounded-full px-1.5 text-brand-700 hover:bg-brand-100"
                aria-label={`Remove ${countryName(c)}`}
                onClick={() => onChange({ ...zone, countries: zone.countries.filter((x) => x !== c) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Input label="Base price" inputMode="decimal" value={zone.base_price} onChange={set("base_price")} error={errors[`${at}.base_price`]} hint="Per order" required />
        <Input label="Price per kg" inputMode="decimal" value={zone.price_per_kg} onChange={set("price_per_kg")} error={errors[`${at}.price_per_kg`]} required />
        <Input label="Free over" inputMode="decimal" value={zone.free_over} onChange={set("free_over")} error={errors[`${at}.free_over`]} hint="Goods total; optional" />
        <Input label="Transit days (min)" inputMode="numeric" value={zone.transit_days_min} onChange={set("transit_days_min")} error={errors[`${at}.transit_days_min`]} required />
        <Input label="Transit days (max)" inputMode="numeric" value={zone.transit_days_max} onChange={set("transit_days_max")} error={errors[`${at}.transit_days_max`]} required />
      </div>
    </fieldset>
  );
}
