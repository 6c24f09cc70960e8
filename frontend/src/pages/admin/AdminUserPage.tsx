import { useState } from "react";
import { Link, useParams } from "react-router";
import { ConfirmAction } from "@/components/admin/ConfirmAction";
import { UserBadges } from "@/components/admin/UserBadges";
import { DataList } from "@/components/materials/DataList";
import { Button, Card, CardBody, CardHeader, PageHeader, PageSkeleton, QueryState, SuccessBanner } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useAdminUser, useUserAction } from "@/hooks/admin";
import { countryName, formatDate, formatDateTime, humanize } from "@/lib/format";
import { MODERATION_REASON_MAX } from "@/lib/trust";
import type { AdminUserDetail } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";
import NotFoundPage from "../NotFoundPage";

type Action = "verify" | "unverify" | "suspend" | "unsuspend";

export default function AdminUserPage() {
  const { id } = useParams();
  const q = useAdminUser(id);
  usePageTitle(q.data?.company_name ?? "Account");
  return (
    <QueryState query={q} loading={<PageSkeleton label="Loading account" />} errorTitle="Could not load this account" notFound={<NotFoundPage />}>
      {(u) => <UserView user={u} />}
    </QueryState>
  );
}

const DIALOGS: Record<Action, { title: (name: string) => string; description: string; confirm: string; reason?: string; danger?: boolean; done: string }> = {
  verify: {
    title: (n) => `Verify ${n}?`,
    description: "You checked the legal name, registration number and VAT number against the register. Buyers will see the verified badge on its listings.",
    confirm: "Verify",
    done: "Company verified.",
  },
  unverify: {
    title: (n) => `Remove ${n}'s verification?`,
    description: "The verified badge disappears from its listings.",
    confirm: "Remove verification",
    danger: true,
    done: "Verification removed.",
  },
  suspend: {
    title: (n) => `Suspend ${n}?`,
    description: "The account is signed out at once and cannot sign in; its listings leave search and become unavailable to others.",
    confirm: "Suspend account",
    reason: "Reason for the suspension",
    danger: true,
    done: "Account suspended.",
  },
  unsuspend: { title: (n) => `Lift ${n}'s suspension?`, description: "The account can sign in again and its listings return to search.", confirm: "Lift suspension", done: "Suspension lifted." },
};

function UserView({ user: u }: { user: AdminUserDetail }) {
  const { user: me } = useAuth();
  const action = useUserAction(u.user_id);
  const [dialog, setDialog] = useState<Action | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const c = u.company;
  const open = (a: Action) => {
    action.reset();
    setDone(null);
    setDialog(a);
  };
  const d = dialog ? DIALOGS[dialog] : null;
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-stone-500">
        <Link to="/admin/verifications?view=all" className="hover:text-stone-800">
          Accounts
        </Link>{" "}
        / <span className="text-stone-700">{u.company_name}</span>
      </nav>
      <PageHeader eyebrow={humanize(u.role)} title={u.company_name} description={u.email} actions={<UserBadges user={u} />} />
      {done && <SuccessBanner>{done}</SuccessBanner>}
      {u.suspended && u.suspension_reason && (
        <p className="rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          <span className="font-semibold">Suspended {formatDateTime(u.suspended_at)}: </span>
          {u.suspension_reason}
        </p>
      )}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card>
          <CardHeader title="Company details" description={c ? `Last changed ${formatDateTime(c.updated_at)}` : undefined} />
          <CardBody>
            {c ? (
              <DataList
                items={[
                  ["Legal name", c.legal_name],
                  ["Registration number", c.registration_number],
                  [
                    "VAT number",
                    c.vat_number ? (
                      <span key="vat" className="font-mono">
                        {c.vat_number}
                      </span>
                    ) : (
                      "None given"
                    ),
                  ],
                  ["Country", countryName(c.country)],
                  [
                    "Registered address",
                    <span key="addr" className="whitespace-pre-line">
                      {c.address}
                    </span>,
                  ],
                  ["Verified", c.verified ? formatDateTime(c.verified_at) : "No"],
                ]}
              />
            ) : (
              <p className="text-sm text-stone-600">This account has not given its company details yet, so it cannot be verified.</p>
            )}
          </CardBody>
        </Card>
        <div className="space-y-6">
          <Card>
            <CardHeader title="Actions" description="Each is confirmed first and recorded in the audit log." />
            <CardBody className="flex flex-wrap gap-2">
              {u.verified ? (
                <Button variant="secondary" onClick={() => open("unverify")}>
                  Remove verification
                </Button>
              ) : (
                <Button onClick={() => open("verify")} disabled={!c}>
                  Verify company
                </Button>
              )}
              {u.user_id !== me?.user_id &&
                (u.suspended ? (
                  <Button variant="secondary" onClick={() => open("unsuspend")}>
                    Lift suspension
                  </Button>
                ) : (
                  <Button variant="danger" onClick={() => open("suspend")}>
                    Suspend account
                  </Button>
                ))}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Account" />
            <CardBody>
              <DataList
                items={[
                  ["Joined", formatDate(u.created_at)],
                  ["Phone", u.phone ?? "—"],
                  ["Listings", u.listings],
                  ["Orders (buyer / seller)", `${u.orders_as_buyer} / ${u.orders_as_seller}`],
                  [
                    "Open reports on its listings",
                    u.open_reports > 0 ? (
                      <Link key="r" to="/admin/reports" className="font-medium text-brand-700 hover:underline">
                        {u.open_reports}
                      </Link>
                    ) : (
                      0
                    ),
                  ],
                  [
                    "Audit trail",
                    <Link key="a" to={`/admin/audit?target_type=user&target_id=${u.user_id}`} className="font-medium text-brand-700 hover:underline">
                      Actions on this account
                    </Link>,
                  ],
                ]}
              />
            </CardBody>
          </Card>
        </div>
      </div>
      {dialog && d && (
        <ConfirmAction
          title={d.title(u.company_name)}
          description={d.description}
          confirmLabel={d.confirm}
          reasonLabel={d.reason}
          reasonMax={MODERATION_REASON_MAX}
          danger={d.danger}
          pending={action.isPending}
          error={action.error}
          onClose={() => setDialog(null)}
          onConfirm={(reason) =>
            action.mutate(
              { action: dialog, reason },
              {
                onSuccess: () => {
                  setDialog(null);
                  setDone(d.done);
                },
              },
            )
          }
        />
      )}
    </div>
  );
}
