import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { AuthCard } from "@/components/auth/AuthCard";
import { safeNext } from "@/components/auth/RequireAuth";
import { Button, ErrorBanner, Input, cx } from "@/components/ui";
import { useAuth, useRegister } from "@/hooks/auth";
import { ApiError } from "@/lib/errors";
import type { SignupRole as Role } from "@/lib/types";
import { type Errors, PHONE_HINT, hasErrors, validateEmail, validateLength, validatePassword, validatePhone } from "@/lib/validation";
import { usePageTitle } from "@/lib/usePageTitle";

const ROLES: Array<{ value: Role; title: string; text: string }> = [
  { value: "manufacturer", title: "Manufacturer", text: "I sell surplus, deadstock or recycled material." },
  { value: "brand", title: "Brand", text: "I source circular materials and report impact." },
];

export default function RegisterPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const { status } = useAuth();
  const register = useRegister();
  usePageTitle("Create account");
  const [form, setForm] = useState({ email: "", password: "", company_name: "", role: "" as Role | "", phone: "" });
  const [errors, setErrors] = useState<Errors>({});
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  // As on the sign-in page: only someone already signed in on arrival is sent on from here.
  if (status === "authenticated" && register.isIdle) return <Navigate to={next} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors = {};
    const checks: Array<[string, string | null]> = [
      ["email", validateEmail(form.email)],
      ["password", validatePassword(form.password)],
      ["company_name", validateLength(form.company_name, 2, 200, "Company name")],
      ["role", form.role ? null : "Choose whether you sell or buy."],
      ["phone", validatePhone(form.phone.trim())],
    ];
    for (const [k, v] of checks) if (v) errs[k] = v;
    setErrors(errs);
    if (hasErrors(errs) || !form.role) return;
    register.mutate(
      {
        email: form.email.trim(),
        password: form.password,
        company_name: form.company_name.trim(),
        role: form.role,
        ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
      },
      {
        onSuccess: () => navigate(next, { replace: true }),
        onError: (err) => {
          if (err instanceof ApiError) {
            const fe = err.fieldErrors();
            if (err.code === "email_taken") fe.email = "An account with this email already exists.";
            if (err.code === "invalid_email") fe.email = err.message;
            setErrors(fe);
          }
        },
      },
    );
  };

  return (
    <AuthCard
      title="Create your account"
      subtitle="Join the marketplace for circular textiles."
      footer={
        <>
          Already have an account?{" "}
          <Link to="/login" className="font-medium text-brand-700 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        {register.error && <ErrorBanner error={register.error} title="Could not create the account" />}
        <fieldset>
          <legend className="mb-1.5 block text-sm font-medium text-stone-700">
            I am a
            <span className="ml-0.5 text-red-600" aria-hidden="true">
              *
            </span>
          </legend>
          <div className="grid gap-3 sm:grid-cols-2">
            {ROLES.map((r) => (
              <label
                key={r.value}
                className={cx(
                  "flex cursor-pointer flex-col rounded-xl border p-3 text-sm transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600",
                  form.role === r.value ? "border-brand-600 bg-brand-50 ring-1 ring-brand-600" : "border-stone-300 hover:border-stone-400",
                )}
              >
                <span className="flex items-center gap-2 font-semibold text-stone-900">
                  <input type="radio" name="role" value={r.value} checked={form.role === r.value} onChange={set("role")} className="accent-brand-700" />
                  {r.title}
                </span>
                <span className="mt-1 text-stone-600">{r.text}</span>
              </label>
            ))}
          </div>
          {errors.role && <p className="mt-1.5 text-xs font-medium text-red-600">{errors.role}</p>}
        </fieldset>
        <Input label="Company name" name="company_name" autoComplete="organization" value={form.company_name} onChange={set("company_name")} error={errors.company_name} required maxLength={200} />
        <Input label="Work email" type="email" name="email" autoComplete="email" value={form.email} onChange={set("email")} error={errors.email} required />
        <Input
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          value={form.password}
          onChange={set("password")}
          error={errors.password}
          hint="8–128 characters with an upper-case letter, a lower-case letter and a digit."
          required
        />
        <Input label="Phone (optional)" type="tel" name="phone" autoComplete="tel" value={form.phone} onChange={set("phone")} error={errors.phone} hint={PHONE_HINT} />
        <Button type="submit" className="w-full" size="lg" loading={register.isPending || register.isSuccess}>
          Create account
        </Button>
      </form>
    </AuthCard>
  );
}
