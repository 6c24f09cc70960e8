import { Badge, type Tone } from "@/components/ui";
import { humanize } from "@/lib/format";

const TONES: Record<string, Tone> = {
  active: "green",
  draft: "neutral",
  sold_out: "amber",
  archived: "neutral",
  pending: "amber",
  paid: "blue",
  shipped: "violet",
  completed: "green",
  cancelled: "red",
  succeeded: "green",
  failed: "red",
  requires_action: "amber",
  open: "amber",
  resolved: "green",
  hidden: "red",
  accepted: "green",
  declined: "red",
  withdrawn: "neutral",
  expired: "neutral",
  held: "amber",
  scheduled: "blue",
  reversed: "red",
  enabled: "green",
  restricted: "red",
  not_started: "neutral",
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status] ?? "neutral"}>{humanize(status)}</Badge>;
}
