import { useState } from "react";
import { useNavigate } from "react-router";
import { ProfileForm, PasswordCard } from "@/components/account/AccountForms";
import { DataList } from "@/components/materials/DataList";
import { SavedSearchesCard } from "@/components/account/SavedSearchesCard";
import { NotificationSettingsCard } from "@/components/notifications/NotificationSettingsCard";
import { Button, ButtonLink, Card, CardBody, CardHeader, ErrorBanner, Input, PageHeader, SuccessBanner } from "@/components/ui";
import { useDeleteAccount, useExportAccountData } from "@/hooks/account";
import { useAuth, useSignOut } from "@/hooks/auth";
import { formatDate, formatDateTime, humanize } from "@/lib/format";
import { usePageTitle } from "@/lib/usePageTitle";

export default function AccountPage() {
  const { user, endSession } = useAuth();
  const navigate = useNavigate();
  const exporter = useExportAccountData();
  const del = useDeleteAccount();
  const logout = useSignOut();
  usePageTitle("Account");
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");
  if (!user) return null;

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageHeader title="Account" description="Your profile, your data and your session." />
      <Card>
        <CardHeader title="Profile" />
        <CardBody className="space-y-6">
          <DataList
            items={[
              ["Email", user.email],
              ["Role", humanize(user.role)],
              ["Member since", formatDate(user.created_at)],
              [
                "User ID",
                <span key="id" className="font-mono text-xs">
                  {user.user_id}
                </span>,
              ],
            ]}
          />
          <ProfileForm user={user} />
        </CardBody>
      </Card>
      <PasswordCard />
      <SavedSearchesCard />
      <Card>
        <CardHeader title="Company and trust" description="Your legal entity, checked by the FabricLoop operator: verified sellers carry a badge on their listings." />
        <CardBody className="flex flex-wrap gap-2">
          <ButtonLink to="/account/company" variant="secondary">
            Company details
          </ButtonLink>
          {user.role === "manufacturer" && (
            <ButtonLink to="/account/certificates" variant="secondary">
              Certificates
            </ButtonLink>
          )}
        </CardBody>
      </Card>
      {user.role === "manufacturer" && (
        <Card>
          <CardHeader title="Shipping" description="Zones, prices and delivery times buyers see on your listings and pay at checkout." />
          <CardBody>
            <ButtonLink to="/account/shipping" variant="secondary">
              Shipping settings
            </ButtonLink>
          </CardBody>
        </Card>
      )}
      {user.role === "manufacturer" && (
        <Card>
          <CardHeader title="Payouts" description="Your payout account, the balances held and paid to you, and every payout." />
          <CardBody>
            <ButtonLink to="/payouts" variant="secondary">
              Payouts
            </ButtonLink>
          </CardBody>
        </Card>
      )}
      <NotificationSettingsCard />
      <Card>
        <CardHeader title="Export your data" description="Download every record we hold about you as JSON: profile, listings, images, passports, orders, payments and messages." />
        <CardBody className="space-y-3">
          {exporter.error && <ErrorBanner error={exporter.error} title="Export failed" />}
          {exporter.isSuccess && <SuccessBanner>Your export has been downloaded.</SuccessBanner>}
          <Button variant="secondary" loading={exporter.isPending} onClick={() => exporter.mutate()}>
            Download my data
          </Button>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Session" />
        <CardBody>
          <Button variant="secondary" loading={logout.pending} onClick={logout.signOut}>
            Log out
          </Button>
        </CardBody>
      </Card>
      <Card className="border-red-200">
        <CardHeader
          title="Delete account"
          description="Deactivates your account at once, archives your listings and cancels your unpaid orders. Personal data is anonymised after a grace period; orders are kept, anonymised."
        />
        <CardBody className="space-y-3">
          {del.error && <ErrorBanner error={del.error} title="Could not delete the account" />}
          {!confirming ? (
            <Button variant="danger" onClick={() => setConfirming(true)}>
              Delete my account…
            </Button>
          ) : (
            <form
              role="alertdialog"
              aria-label="Confirm account deletion"
              noValidate
              className="space-y-3 rounded-xl border border-red-200 bg-red-50 p-4"
              onSubmit={(e) => {
                e.preventDefault();
                if (typed.trim().toLowerCase() !== user.email.toLowerCase()) return;
                del.mutate(undefined, {
                  onSuccess: (res) => {
                    const notice = `Your account has been deactivated and your listings archived. Personal data will be anonymised after ${formatDateTime(res.delete_after)}; orders are kept, anonymised.`;
                    void navigate("/login", { replace: true, state: { notice } });
                    endSession(notice);
                  },
                });
              }}
            >
              <p className="text-sm text-red-900">This cannot be undone from the app. Type your email address to confirm.</p>
              <Input label="Email address" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" autoFocus />
              <div className="flex flex-wrap gap-2">
                <Button type="submit" variant="danger" loading={del.isPending} disabled={typed.trim().toLowerCase() !== user.email.toLowerCase()}>
                  Permanently delete account
                </Button>
                <Button variant="secondary" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
              </div>
            </form>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
