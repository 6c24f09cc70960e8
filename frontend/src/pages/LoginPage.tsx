import { type FormEvent, useState } from "react";
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from "react-router";
import { AuthCard } from "@/components/auth/AuthCard";
import { safeNext } from "@/components/auth/RequireAuth";
import { Button, ErrorBanner, Input, SuccessBanner } from "@/components/ui";
import { useAuth, useLogin } from "@/hooks/auth";
import { ApiError } from "@/lib/errors";
import { type Errors, hasErrors, validateEmail } from "@/lib/validation";
import { usePageTitle } from "@/lib/usePageTitle";

export default function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  const { status } = useAuth();
  const login = useLogin();
  usePageTitle("Sign in");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});

  // Already signed in on arrival: go on. After signing in here, onSuccess navigates instead, and
  // the form stays (busy) until the next page has loaded rather than leaving an empty page.
  if (status === "authenticated" && login.isIdle && !notice) return <Navigate to={next} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors = {};
    const emailErr = validateEmail(email);
    if (emailErr) errs.email = emailErr;
    if (!password) errs.password = "Password is required.";
    setErrors(errs);
    if (hasErrors(errs)) return;
    login.mutate(
      { email: email.trim(), password },
      {
        onSuccess: () => navigate(next, { replace: true }),
        onError: (err) => {
          if (err instanceof ApiError) setErrors(err.fieldErrors());
        },
      },
    );
  };

  const err = login.error;
  const title = err instanceof ApiError && err.status === 429 ? "Too many attempts" : err instanceof ApiError && err.status === 401 ? "Sign-in failed" : "Could not sign in";
  const message = err instanceof ApiError && err.status === 401 ? new Error("The email or password is incorrect.") : err;

  return (
    <AuthCard
      title="Welcome back"
      subtitle="Sign in to manage listings, orders and impact reports."
      footer={
        <>
          New to FabricLoop?{" "}
          <Link to={`/register${params.get("next") ? `?next=${encodeURIComponent(next)}` : ""}`} className="font-medium text-brand-700 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        {notice && !err && <SuccessBanner>{notice}</SuccessBanner>}
        {err && <ErrorBanner error={message} title={title} />}
        <Input label="Email" type="email" name="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} required autoFocus />
        <Input label="Password" type="password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} required />
        <Button type="submit" className="w-full" size="lg" loading={login.isPending || login.isSuccess}>
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}
