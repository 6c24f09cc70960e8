import { type FormEvent, useState } from "react";
import { Button, Card, CardBody, CardHeader, ErrorBanner } from "@/components/ui";
import { useMaterialTypes } from "@/hooks/materials";
import { useLeaveWarning } from "@/hooks/useLeaveWarning";
import type { Errors } from "@/lib/validation";
import { BasicsFields, QuantityPriceFields } from "./BasicsFields";
import { CompositionFields, MetricsFields, SupplyChainFields } from "./DetailsFields";
import { type MaterialFormState } from "./formState";
import { ImageUploader } from "./ImageUploader";
import type { SectionProps } from "./sections";
import { TermsFields } from "./TermsFields";

interface Props {
  initial: MaterialFormState;
  mode: "create" | "edit";
  submitting: boolean;
  serverError: unknown;
  serverFieldErrors: Errors;
  onSubmit: (form: MaterialFormState, setErrors: (e: Errors) => void) => void;
  onCancel: () => void;
}

export function MaterialForm({ initial, mode, submitting, serverError, serverFieldErrors, onSubmit, onCancel }: Props) {
  const types = useMaterialTypes();
  const [f, setF] = useState<MaterialFormState>(initial);
  const [clientErrors, setClientErrors] = useState<Errors>({});
  const [uploading, setUploading] = useState(false);
  const errors = { ...serverFieldErrors, ...clientErrors };
  const set: SectionProps["set"] = (k, v) => setF((s) => ({ ...s, [k]: v }));
  const section: SectionProps = { form: f, set, errors, vocab: types.data };
  // Leaving with unsaved edits asks first (not while the save that navigates away is running).
  useLeaveWarning(!submitting && JSON.stringify(f) !== JSON.stringify(initial));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(f, (errs) => {
      setClientErrors(errs);
      if (Object.keys(errs).length) requestAnimationFrame(() => document.querySelector<HTMLElement>("[aria-invalid='true']")?.focus());
    });
  };

  const hasErrors = Object.keys(errors).length > 0;
  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {types.isError && <ErrorBanner error={types.error} title="Could not load the vocabularies" onRetry={() => void types.refetch()} />}
      {serverError != null && <ErrorBanner error={serverError} title="The listing could not be saved" />}
      <BasicsFields {...section} mode={mode} initialStatus={initial.status} />
      <QuantityPriceFields {...section} />
      <TermsFields {...section} />
      <Card>
        <CardHeader title="Photos" description="Up to 10 images." />
        <CardBody>
          <ImageUploader images={f.images} onChange={(u) => setF((s) => ({ ...s, images: u(s.images) }))} error={errors.images} onUploadingChange={setUploading} />
        </CardBody>
      </Card>
      <CompositionFields {...section} />
      <SupplyChainFields {...section} />
      <MetricsFields {...section} mode={mode} />

      <div className="sticky bottom-0 -mx-4 flex flex-wrap items-center justify-end gap-3 border-t border-stone-200 bg-white/95 px-4 py-3 backdrop-blur sm:mx-0 sm:rounded-2xl sm:border">
        {hasErrors && <p className="mr-auto text-sm font-medium text-red-600">Please fix the highlighted fields.</p>}
        {uploading && <p className="mr-auto text-sm text-stone-600">Waiting for uploads to finish…</p>}
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={submitting} disabled={uploading}>
          {mode === "create" ? "Publish listing" : "Save changes"}
        </Button>
      </div>
    </form>
  );
}
