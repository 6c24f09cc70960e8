import { useParams } from "react-router";
import { Checkout } from "@/components/checkout/Checkout";
import { ButtonLink, EmptyState, PageSkeleton, QueryState } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useMaterial } from "@/hooks/materials";
import { usePageTitle } from "@/lib/usePageTitle";
import NotFoundPage from "./NotFoundPage";

export default function CheckoutPage() {
  const { materialId = "" } = useParams();
  const { user } = useAuth();
  const material = useMaterial(materialId);
  usePageTitle("Checkout");
  return (
    <QueryState query={material} loading={<PageSkeleton label="Loading checkout" />} errorTitle="Could not load this material" notFound={<NotFoundPage />}>
      {(m) =>
        user?.user_id === m.seller.user_id ? (
          <EmptyState title="This is your own listing" description="You cannot buy your own material." action={<ButtonLink to={`/materials/${m.material_id}`}>Back to listing</ButtonLink>} />
        ) : (
          <Checkout material={m} onPriceChanged={() => material.refetch()} />
        )
      }
    </QueryState>
  );
}
