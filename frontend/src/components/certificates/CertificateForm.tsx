import { type FormEvent, useState } from "react";
import { Button, Card, CardBody, CardHeader, ErrorBanner, Field, Input, Select, SuccessBanner, controlClass } from "@/components/ui";
import { useMaterialTypes } from "@/hooks/materials";
import { useSubmitCertificate } from "@/hooks/trust";
import { ApiError } from "@/lib/errors";
import { DOCUMENT_TYPES, emptyCertificateForm, validateCertificateForm, type CertificateForm as Form } from "@/lib/trust";
import { hasErrors, type Errors } from "@/lib/validation";

/** Submit a certificate for review: its details and the document that proves it. */
export function CertificateForm() {
  const types = useMaterialTypes();
  const submit = useSubmitCertificate();
  const [form, setForm] = useState<Form>(emptyCertificateForm);
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [progress, setProgress] = useState(0);
  const [done, setDone] = useState(false);
  const [inputKey, setInputKey] = useState(0);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const serverErrors = submit.error instanceof ApiError ? submit.error.fieldErrors() : {};
  const err = (k: string) => errors[k] ?? serverErrors[k];

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    const problems = validateCertificateForm(form);
    setErrors(problems);
    if (hasErrors(problems) || !file) return;
    setProgress(0);
    submit.mutate(
      {
        file,
        onProgress: setProgress,
        body: {
          scheme: form.scheme,
          certificate_number: form.certificate_number.trim(),
          issuing_body: form.issuing_body.trim(),
          valid_from: form.valid_from,
          valid_until: form.valid_until,
        },
      },
      {
        onSuccess: () => {
          setForm(emptyCertificateForm());
          setFile(null);
          setInputKey((k) => k + 1);
          setDone(true);
        },
      },
    );
  };

  return (
    <Card>
      <CardHeader title="Add a certificate" description="The operator checks it against the document; once approved, listings that reference it show the certification as verified." />
      <CardBody>
        <form onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-2">
          <Select
            label="Scheme"
            required
            value={form.scheme}
            onChange={(e) => set("scheme", e.target.value)}
            options={(types.data?.certification_schemes ?? []).map((s) => ({ value: s, label: s }))}
            placeholder="Choose…"
            error={err("scheme")}
          />
          <Input label="Certificate number" required value={form.certificate_number} onChange={(e) => set("certificate_number", e.target.value)} maxLength={100} error={err("certificate_number")} />
          <Input
            label="Issuing body"
            required
            value={form.issuing_body}
            onChange={(e) => set("issuing_body", e.target.value)}
            maxLength={200}
            hint="e.g. Control Union, ECOCERT"
            error={err("issuing_body")}
            wrapperClassName="sm:col-span-2"
          />
          <Input label="Valid from" type="date" required value={form.valid_from} onChange={(e) => set("valid_from", e.target.value)} error={err("valid_from")} />
          <Input label="Valid until" type="date" required value={form.valid_until} onChange={(e) => set("valid_until", e.target.value)} error={err("valid_until")} />
          <Field label="Certificate document" required error={err("document_id") ?? err("file")} hint="A PDF, or a JPEG, PNG or WebP scan, up to 10 MB." className="sm:col-span-2">
            {({ id, describedBy, invalid }) => (
              <input
                key={inputKey}
                id={id}
                type="file"
                accept={DOCUMENT_TYPES.join(",")}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                className={controlClass(err("document_id"), "file:mr-3 file:rounded-md file:border-0 file:bg-stone-100 file:px-3 file:py-1 file:text-sm file:font-medium")}
                onChange={(e) => {
                  const f = e.target.files?.[0] ?? null;
                  setFile(f);
                  set("file", f ? { name: f.name, type: f.type, size: f.size } : null);
                }}
              />
            )}
          </Field>
          <div className="space-y-3 sm:col-span-2">
            {submit.error && !hasErrors(serverErrors) && <ErrorBanner error={submit.error} title="Could not submit the certificate" />}
            {done && <SuccessBanner>Submitted. The operator will review it; its status shows below.</SuccessBanner>}
            <div className="flex items-center gap-3">
              <Button type="submit" loading={submit.isPending}>
                Submit for review
              </Button>
              {submit.isPending && progress > 0 && progress < 1 && <span className="text-sm text-stone-600">Uploading… {Math.round(progress * 100)}%</span>}
            </div>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
