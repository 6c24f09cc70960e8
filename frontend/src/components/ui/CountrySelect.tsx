import type { SelectHTMLAttributes } from "react";
import { countryOptions } from "@/lib/countries";
import { Select } from "./Field";

type Props = Omit<SelectHTMLAttributes<HTMLSelectElement>, "onChange"> & {
  label: string;
  value: string;
  onChange: (code: string) => void;
  error?: string | null;
  hint?: string;
  wrapperClassName?: string;
  placeholder?: string;
};

/** A country picked from the list of ISO 3166-1 countries (never typed), by name. */
export function CountrySelect({ value, onChange, placeholder = "Choose a country", ...rest }: Props) {
  return <Select {...rest} value={value} onChange={(e) => onChange(e.target.value)} options={countryOptions()} placeholder={placeholder} />;
}
