import { useNavigate, useParams } from "react-router";
import { Button, Card, CardBody, ErrorBanner, PageHeader } from "@/components/ui";
import { useSandboxAuthenticate } from "@/hooks/payments";
import { usePageTitle } from "@/lib/usePageTitle";

/** The sandbox's stand-in for the bank's 3-D Secure challenge. */
export default function SandboxThreeDSPage() {
  usePageTitle("Confirm your payment");
  const { paymentId = "" } = useParams();
  const navigate = useNavigate();
  const authenticate = useSandboxAuthenticate(paymentId);
  const answer = (outcome: "approve" | "fail") =>
    authenticate.mutate(outcome, {
      onSuccess: (payment) => void navigate(`/transactions/${payment.transaction_id}`),
    });
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Confirm your payment" description="Sandbox bank: this page plays the card issuer's 3-D Secure challenge. No real money moves." />
      <Card>
        <CardBody className="space-y-4">
          <p className="text-sm text-stone-700">Your bank asks you to confirm this payment.</p>
          <ErrorBanner error={authenticate.error} />
          <div className="flex gap-3">
            <Button onClick={() => answer("approve")} loading={authenticate.isPending && authenticate.variables === "approve"}>
              Approve payment
            </Button>
            <Button variant="secondary" onClick={() => answer("fail")} loading={authenticate.isPending && authenticate.variables === "fail"}>
              Fail authentication
            </Button>
          </div>
        </CardBody>
      </Card>
    </div>
  );
}
