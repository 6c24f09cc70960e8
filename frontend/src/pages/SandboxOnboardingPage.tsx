import { useNavigate, useSearchParams } from "react-router";
import { Button, Card, CardBody, ErrorBanner, PageHeader } from "@/components/ui";
import { appPath, useCompleteSandboxOnboarding } from "@/hooks/payments";
import { usePageTitle } from "@/lib/usePageTitle";

/** The sandbox's stand-in for Stripe's hosted onboarding of a payout account. */
export default function SandboxOnboardingPage() {
  usePageTitle("Set up payouts");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const complete = useCompleteSandboxOnboarding();
  const back = appPath(params.get("return_url") ?? "/account");
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Set up payouts" description="Sandbox onboarding: with Stripe, this is Stripe's own page for your company and bank details." />
      <Card>
        <CardBody className="space-y-4">
          <p className="text-sm text-stone-700">Account {params.get("account")}</p>
          <ErrorBanner error={complete.error} />
          <Button onClick={() => complete.mutate(undefined, { onSuccess: () => void navigate(back) })} loading={complete.isPending}>
            Complete onboarding
          </Button>
        </CardBody>
      </Card>
    </div>
  );
}
