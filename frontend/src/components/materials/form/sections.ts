import { humanize } from "@/lib/format";
import type { MaterialTypes } from "@/lib/types";
import type { Errors } from "@/lib/validation";
import type { MaterialFormState } from "./formState";

/** What every section of the listing form receives: the state, a setter and the errors. */
export interface SectionProps {
  form: MaterialFormState;
  set: <K extends keyof MaterialFormState>(key: K, value: MaterialFormState[K]) => void;
  errors: Errors;
  /** The vocabularies (material types, units, ...), once loaded. */
  vocab: MaterialTypes | undefined;
}

export const options = (values: string[] | undefined) => (values ?? []).map((v) => ({ value: v, label: humanize(v) }));

/** An `onChange` for a text-valued field of the form. */
export const textSetter = (set: SectionProps["set"]) => (key: keyof MaterialFormState) => (e: { target: { value: string } }) => set(key, e.target.value as never);
