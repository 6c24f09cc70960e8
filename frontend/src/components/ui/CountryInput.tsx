import { type ReactNode, useId, useState } from "react";
import { allCountries, countryCode, countryLabel } from "@/lib/countries";
import { Input } from "./Field";

interface Props {
  label: ReactNode;
  /** The ISO 3166-1 alpha-2 code, or "" for none. */
  value: string;
  onChange: (code: string) => void;
  onBlur?: () => void;
  error?: string | null;
  hint?: ReactNode;
  required?: boolean;
  disabled?: boolean;
  wrapperClassName?: string;
  placeholder?: string;
}

/**
 * A searchable country field: the browser lists the country names matching what is typed; the
 * value is the chosen country's ISO code. A name that is no country (a prefix such as "Au", a
 * misspelling) is shown as an error and gives "", never a guessed code.
 */
export function CountryInput({ value, onChange, onBlur, error, placeholder = "Start typing a country", ...rest }: Props) {
  const listId = useId();
  // What the user is typing; null while the field shows the value's name.
  const [typed, setTyped] = useState<string | null>(null);
  const unknown = typed !== null && typed.trim() !== "" && countryCode(typed) === null;
  return (
    <>
      <Input
        {...rest}
        list={listId}
        autoComplete="off"
        placeholder={placeholder}
        value={typed ?? countryLabel(value)}
        onChange={(e) => {
          setTyped(e.target.value);
          onChange(countryCode(e.target.value) ?? "");
        }}
        onBlur={() => {
          if (!unknown) setTyped(null);
          onBlur?.();
        }}
        error={error ?? (unknown ? "Choose a country from the list." : null)}
      />
      <datalist id={listId}>
        {allCountries().map((c) => (
          <option key={c.code} value={c.name} />
        ))}
      </datalist>
    </>
  );
}
