import { type FormEvent, useRef, useState } from "react";
import { Link } from "react-router";
import { Badge, Button, Card, CardBody, CardHeader, CountrySelect, ErrorBanner, Input, PageHeader, PageSkeleton, QueryState, SuccessBanner, Textarea } from "@/components/ui";
import { useCompany, useSaveCompany } from "@/hooks/trust";
import { companyBody, companyForm, validateCompanyForm, type CompanyForm } from "@/lib/companyForm";
import { ApiError } from "@/lib/errors";
import type { Company } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";
import { hasErrors, type Errors } from "@/lib/validation";
import { vatHint } from "@/lib/vat";

export default function CompanyPage() {
  const q = useCompany();
  usePageTitle("Company details");
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-stone-500">
        <Link to="/account" className="hover:text-stone-800">
          Account
        </Link>{" "}
        / <span className="text-stone-700">Company details</span>
      </nav>
      <PageHeader
        title="Company details"
        description="Your legal entity as registered. The FabricLoop operator checks it and marks your account verified; buyers see the verified badge beside your name."
      />
      <QueryState query={q} loading={<PageSkeleton label="Loading company details" />} errorTitle="Could not load your company details">
        {(company) => <CompanyEditor company={company} />}
      </QueryState>
    </div>
  );
}

function CompanyEditor({ company }: { company: Company | null }) {
  const save = useSaveCompany();
  const [form, setForm] = useState<CompanyForm>(() => companyForm(company));
  const [errors, setErrors] = useState<Errors>({});
  const formRef = useRef<HTMLFormElement>(null);
  const set = <K extends keyof CompanyForm>(k: K, v: CompanyForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const serverErrors = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const err = (k: keyof CompanyForm) => errors[k] ?? serverErrors[k];

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const problems = validateCompanyForm(form);
    setErrors(problems);
    if (hasErrors(problems)) {
      // The first field in error takes focus once it is marked.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    save.mutate(companyBody(form));
  };

  return (
    <Card>
      <CardHeader
        title="Legal entity"
        action={company ? company.verified ? <Badge tone="green">Verified</Badge> : <Badge tone="amber">Not verified yet</Badge> : null}
        description={company && !company.verified ? "Saved details wait for the operator's check. Changing them later may need a new check." : undefined}
      />
      <CardBody>
        <form ref={formRef} onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-2">
          <Input
            label="Legal name"
            required
            value={form.legal_name}
            onChange={(e) => set("legal_name", e.target.value)}
            maxLength={200}
            error={err("legal_name")}
            autoComplete="organization"
            wrapperClassName="sm:col-span-2"
          />
          <CountrySelect label="Country of registration" required value={form.country} onChange={(c) => set("country", c)} error={err("country")} />
          <Input
            label="Registration number"
            required
            value={form.registration_number}
            onChange={(e) => set("registration_number", e.target.value)}
            maxLength={100}
            error={err("registration_number")}
            hint="From the trade or companies register."
          />
          <Input
            label="VAT number (optional)"
            value={form.vat_number}
            onChange={(e) => set("vat_number", e.target.value)}
            maxLength={40}
            error={err("vat_number")}
            hint={form.country ? (vatHint(form.country) ?? "Checked by the operator.") : "Choose the country first: the format depends on it."}
            autoComplete="off"
            wrapperClassName="sm:col-span-2"
          />
          <Textarea
            label="Registered address"
            required
            value={form.address}
            onChange={(e) => set("address", e.target.value)}
            maxLength={500}
            rows={3}
            error={err("address")}
            autoComplete="street-address"
            wrapperClassName="sm:col-span-2"
          />
          <div className="space-y-3 sm:col-span-2">
            {save.error && <ErrorBanner error={save.error} title="Could not save the company details" />}
            {save.isSuccess && <SuccessBanner>Saved. The operator will check your details.</SuccessBanner>}
            <Button type="submit" loading={save.isPending}>
              Save company details
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
