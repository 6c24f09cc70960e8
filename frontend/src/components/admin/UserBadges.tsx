import { Badge } from "@/components/ui";
import type { AdminUserSummary } from "@/lib/types";

/** Verified, suspended, or waiting: where an account stands with the operator. */
export function UserBadges({ user: u }: { user: AdminUserSummary }) {
  return (
    <span className="inline-flex flex-wrap gap-1.5">
      {u.verified ? <Badge tone="green">Verified</Badge> : u.has_company_details ? <Badge tone="amber">Awaiting verification</Badge> : <Badge>No company details</Badge>}
      {u.suspended && <Badge tone="red">Suspended</Badge>}
    </span>
  );
}
