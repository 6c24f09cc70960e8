import { type FormEvent, useState } from "react";
import { Button, Card, CardBody, CardHeader, ErrorBanner, Input, SuccessBanner } from "@/components/ui";
import { useChangePassword, useUpdateProfile } from "@/hooks/account";
import { ApiError } from "@/lib/errors";
import type { Me } from "@/lib/types";
import { type Errors, PHONE_HINT, hasErrors, validateLength, validatePassword, validatePhone } from "@/lib/validation";

/** Field errors of a failed request, shown under the fields; other errors go to the banner. */
function fieldErrorsOf(error: unknown): Errors {
  return error instanceof ApiError ? error.fieldErrors() : {};
}

/** Company name and phone, saved with PATCH /api/auth/me (only the changed fields are sent). */
export function ProfileForm({ user }: { user: Me }) {
  const update = useUpdateProfile();
  const [company, setCompany] = useState(user.company_name);
  const [phone, setPhone] = useState(user.phone ?? "");
  const [errors, setErrors] = useState<Errors>({});
  const server = fieldErrorsOf(update.error);
  const err = (k: string) => errors[k] ?? server[k];

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors = {};
    const name = validateLength(company, 2, 200, "Company name");
    if (name) errs.company_name = name;
    const tel = validatePhone(phone.trim());
    if (tel) errs.phone = tel;
    setErrors(errs);
    if (hasErrors(errs)) return;
    const body: { company_name?: string; phone?: string | null } = {};
    if (company.trim() !== user.company_name) body.company_name = company.trim();
    if ((phone.trim() || null) !== user.phone) body.phone = phone.trim() || null;
    update.mutate(body);
  };

  const bannerError = update.error && !hasErrors(server) ? update.error : null;
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Edit profile" className="space-y-4">
      {bannerError && <ErrorBanner error={bannerError} title="Could not save the profile" />}
      {update.isSuccess && <SuccessBanner>Profile saved.</SuccessBanner>}
      <Input label="Company name" name="company_name" autoComplete="organization" value={company} onChange={(e) => setCompany(e.target.value)} error={err("company_name")} required maxLength={200} />
      <Input
        label="Phone (optional)"
        type="tel"
        name="phone"
        autoComplete="tel"
        value={phone}
        onChange={(e) => setPhone(e.target.value)}
        error={err("phone")}
        hint={`${PHONE_HINT} Leave empty to remove it.`}
      />
      <Button type="submit" variant="secondary" loading={update.isPending}>
        Save profile
      </Button>
    </form>
  );
}

/** PUT /api/auth/password: needs the current password; every other session is signed out. */
export function PasswordCard() {
  const change = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const server = fieldErrorsOf(change.error);
  const err = (k: string) => errors[k] ?? server[k];

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors = {};
    if (!current) errs.current_password = "Enter your current password.";
    const pw = validatePassword(next);
    if (pw) errs.new_password = pw;
    else if (next === current) errs.new_password = "Choose a password different from the current one.";
    setErrors(errs);
    if (hasErrors(errs)) return;
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent("");
          setNext("");
        },
      },
    );
  };

  const bannerError = change.error && !hasErrors(server) ? change.error : null;
  return (
    <Card>
      <CardHeader title="Password" description="Changing it signs you out on every other device." />
      <CardBody>
        <form onSubmit={onSubmit} noValidate aria-label="Change password" className="space-y-4">
          {bannerError && <ErrorBanner error={bannerError} title="Could not change the password" />}
          {change.isSuccess && <SuccessBanner>Password changed; other sessions were signed out.</SuccessBanner>}
          <Input
            label="Current password"
            type="password"
            name="current_password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={err("current_password")}
            required
          />
          <Input
            label="New password"
            type="password"
            name="new_password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            error={err("new_password")}
            hint="8–128 characters with an upper-case letter, a lower-case letter and a digit."
            required
          />
          <Button type="submit" variant="secondary" loading={change.isPending}>
            Change password
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
