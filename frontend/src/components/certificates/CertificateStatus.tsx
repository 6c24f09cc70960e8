import { Badge, type Tone } from "@/components/ui";
import type { CertificateStatus as Status } from "@/lib/types";

const TONES: Record<Status, Tone> = { pending: "amber", approved: "green", rejected: "red", expired: "neutral" };
const LABELS: Record<Status, string> = { pending: "Pending review", approved: "Approved", rejected: "Rejected", expired: "Expired" };

export function CertificateStatusBadge({ status }: { status: Status }) {
  return <Badge tone={TONES[status] ?? "neutral"}>{LABELS[status] ?? status}</Badge>;
}
