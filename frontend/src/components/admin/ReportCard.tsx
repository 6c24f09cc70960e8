import { useState } from "react";
import { Link } from "react-router";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { Badge, Button, Card, CardBody } from "@/components/ui";
import { useDismissReport } from "@/hooks/admin";
import { formatDateTime, humanize } from "@/lib/format";
import { reportReasonLabel } from "@/lib/trust";
import type { ListingReport } from "@/lib/types";
import { ConfirmAction } from "./ConfirmAction";
import { ListingModeration } from "./ListingModeration";

const STATUS_TONE = { open: "amber", actioned: "green", dismissed: "neutral" } as const;

/** One report: the listing, what the reporter says, and the operator's choices. */
export function ReportCard({ report: r, showListing = true }: { report: ListingReport; showListing?: boolean }) {
  const dismiss = useDismissReport();
  const [confirming, setConfirming] = useState(false);
  const hidden = r.material.status === "hidden";
  return (
    <section aria-label={`Report on ${r.material.title}`}>
      <Card>
        <CardBody className="grid gap-4 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <div className="min-w-0 space-y-2">
            <div className="flex flex-wrap items-center gap-2">
              <Badge tone="red">{reportReasonLabel(r.reason)}</Badge>
              <Badge tone={STATUS_TONE[r.status]}>{humanize(r.status)}</Badge>
            </div>
            {showListing && (
              <h2 className="text-base font-semibold text-stone-900">
                <Link to={`/admin/materials/${r.material.material_id}`} className="hover:text-brand-800 hover:underline">
                  {r.material.title}
                </Link>
              </h2>
            )}
            <p className="whitespace-pre-line break-words text-sm text-stone-700">{r.details}</p>
            <p className="text-xs text-stone-500">
              Reported by{" "}
              <Link to={`/admin/users/${r.reporter.user_id}`} className="text-brand-700 underline">
                {r.reporter.company_name}
              </Link>{" "}
              · {formatDateTime(r.created_at)}
              {r.resolution ? ` · ${r.resolution}` : ""}
            </p>
          </div>
          <div className="space-y-3 text-sm">
            <p className="text-stone-600">
              Seller:{" "}
              <Link to={`/admin/users/${r.material.seller.user_id}`} className="font-medium text-brand-700 hover:underline">
                {r.material.seller.company_name}
              </Link>
            </p>
            <p className="flex flex-wrap items-center gap-2 text-stone-600">
              Listing: <StatusBadge status={r.material.status} />
            </p>
            {hidden && r.material.hidden_reason && <p className="text-stone-600">Hidden: “{r.material.hidden_reason}”</p>}
            <div className="flex flex-wrap items-start gap-2">
              <ListingModeration materialId={r.material.material_id} title={r.material.title} hidden={hidden} />
              {r.status === "open" && (
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() => {
                    dismiss.reset();
                    setConfirming(true);
                  }}
                >
                  Dismiss report
                </Button>
              )}
            </div>
          </div>
        </CardBody>
      </Card>
      {confirming && (
        <ConfirmAction
          title="Dismiss this report?"
          description="The listing stays as it is; the report leaves the queue."
          confirmLabel="Dismiss report"
          pending={dismiss.isPending}
          error={dismiss.error}
          onClose={() => setConfirming(false)}
          onConfirm={() => dismiss.mutate(r.report_id, { onSuccess: () => setConfirming(false) })}
        />
      )}
    </section>
  );
}
