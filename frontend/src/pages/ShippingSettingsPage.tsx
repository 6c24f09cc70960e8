import { ProfileEditor } from "@/components/shipping/ProfileEditor";
import { EmptyState, PageHeader, PageSkeleton, QueryState } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useShippingProfile } from "@/hooks/shipping";
import { usePageTitle } from "@/lib/usePageTitle";

export default function ShippingSettingsPage() {
  const { user } = useAuth();
  const profile = useShippingProfile();
  usePageTitle("Shipping settings");
  if (user && user.role !== "manufacturer") {
    return (
      <div>
        <PageHeader title="Shipping settings" />
        <EmptyState title="For sellers only" description="Shipping profiles price the delivery of listings; brand accounts buy." />
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader title="Shipping settings" description="Buyers see delivered prices and times on your listings and pay them at checkout. Without a profile, you arrange shipping after each order." />
      <QueryState query={profile} loading={<PageSkeleton label="Loading shipping settings" />} errorTitle="Could not load your shipping profile">
        {(p) => <ProfileEditor profile={p} />}
      </QueryState>
    </div>
  );
}
