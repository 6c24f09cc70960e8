import { useState } from "react";
import { Link } from "react-router";
import { ConfirmAction } from "@/components/admin/ConfirmAction";
import { CertificateStatusBadge } from "@/components/certificates/CertificateStatus";
import { DocumentButton } from "@/components/certificates/DocumentButton";
import { DataList } from "@/components/materials/DataList";
import { Button, Card, CardBody, EmptyState, ListSkeleton, PageHeader, Pagination, QueryState, Select, SuccessBanner } from "@/components/ui";
import { useCertificateQueue, useReviewCertificate } from "@/hooks/admin";
import { pageParam, useParamsState } from "@/hooks/useParamsState";
import { formatDate, formatDateTime } from "@/lib/format";
import { isoDate } from "@/lib/trust";
import type { AdminCertificate, CertificateStatus } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";

const STATUSES: CertificateStatus[] = ["pending", "approved", "rejected", "expired"];

export default function CertificatesQueuePage() {
  const [params, set] = useParamsState();
  const raw = params.get("status");
  const status: CertificateStatus | "" = raw === "all" ? "" : (STATUSES.find((s) => s === raw) ?? "pending");
  const q = useCertificateQueue(status, pageParam(params));
  usePageTitle("Certificates");
  const [done, setDone] = useState<string | null>(null);
  return (
    <div>
      <PageHeader title="Certificates" description="Check each certificate against its document; an approved, unexpired certificate makes the listings that reference it show as verified." />
      <div className="mb-5 flex flex-wrap items-end gap-3">
        <Select
          label="Status"
          value={status || "all"}
          onChange={(e) => set({ status: e.target.value })}
          options={[...STATUSES.map((s) => ({ value: s, label: s.charAt(0).toUpperCase() + s.slice(1) })), { value: "all", label: "All" }]}
          wrapperClassName="w-48"
        />
      </div>
      {done && <SuccessBanner className="mb-4">{done}</SuccessBanner>}
      <QueryState
        query={q}
        loading={<ListSkeleton label="Loading certificates" />}
        errorTitle="Could not load certificates"
        isEmpty={(d) => d.certificates.length === 0}
        empty={<EmptyState title={status === "pending" ? "No certificates waiting for review" : "No certificates"} description="Certificates sellers submit appear here." />}
      >
        {(data) => (
          <div className={q.isPlaceholderData ? "space-y-4 opacity-60" : "space-y-4"}>
            <ul className="space-y-4">
              {data.certificates.map((c) => (
                <li key={c.certificate_id}>
                  <CertificateReview certificate={c} onDone={setDone} />
                </li>
              ))}
            </ul>
            <Pagination page={data.page} limit={data.limit} total={data.total} onPageChange={(p) => set({ page: String(p) })} />
          </div>
        )}
      </QueryState>
    </div>
  );
}

function CertificateReview({ certificate: c, onDone }: { certificate: AdminCertificate; onDone: (message: string) => void }) {
  const review = useReviewCertificate();
  const [dialog, setDialog] = useState<"approve" | "reject" | null>(null);
  const expired = c.valid_until < isoDate(new Date());
  const label = `${c.scheme} ${c.certificate_number}`;
  const close = () => {
    setDialog(null);
    review.reset();
  };
  return (
    <section aria-label={`Certificate ${label}`}>
      <Card>
        <CardBody className="grid gap-4 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <div>
            <div className="mb-2 flex flex-wrap items-center gap-2">
              <h2 className="text-base font-semibold text-stone-900">{label}</h2>
              <CertificateStatusBadge status={c.status} />
            </div>
            <DataList
              items={[
                [
                  "Holder",
                  <Link key="h" to={`/admin/users/${c.holder.user_id}`} className="font-medium text-brand-700 hover:underline">
                    {c.holder.company_name}
                  </Link>,
                ],
                ["Issuing body", c.issuing_body],
                ["Valid", `${formatDate(c.valid_from)} – ${formatDate(c.valid_until)}`],
                ["Submitted", formatDateTime(c.created_at)],
                ...(c.rejection_reason ? ([["Rejection reason", c.rejection_reason]] as Array<[string, string]>) : []),
              ]}
            />
          </div>
          <div className="space-y-3">
            <DocumentButton document={c.document} label="Download evidence" />
            {expired && c.status === "pending" && <p className="text-sm text-amber-800">Its validity ended on {formatDate(c.valid_until)}: it cannot be approved.</p>}
            {c.status === "pending" && (
              <div className="flex flex-wrap gap-2">
                <Button onClick={() => setDialog("approve")} disabled={expired}>
                  Approve<span className="sr-only"> {label}</span>
                </Button>
                <Button variant="secondary" onClick={() => setDialog("reject")}>
                  Reject<span className="sr-only"> {label}</span>
                </Button>
              </div>
            )}
          </div>
        </CardBody>
        {dialog && (
          <ConfirmAction
            title={dialog === "approve" ? `Approve ${label}?` : `Reject ${label}?`}
            description={
              dialog === "approve"
                ? `${c.holder.company_name}'s listings that reference it will show the certification as verified until ${formatDate(c.valid_until)}.`
                : `${c.holder.company_name} sees your reason and can submit it again.`
            }
            confirmLabel={dialog === "approve" ? "Approve certificate" : "Reject certificate"}
            reasonLabel={dialog === "reject" ? "Reason for the seller" : undefined}
            danger={dialog === "reject"}
            pending={review.isPending}
            error={review.error}
            onClose={close}
            onConfirm={(reason) =>
              review.mutate(
                { id: c.certificate_id, decision: dialog, reason },
                {
                  onSuccess: () => {
                    setDialog(null);
                    onDone(`${label} ${dialog === "approve" ? "approved" : "rejected"}.`);
                  },
                },
              )
            }
          />
        )}
      </Card>
    </section>
  );
}
