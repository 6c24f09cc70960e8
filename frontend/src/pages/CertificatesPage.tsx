import { Link } from "react-router";
import { CertificateForm } from "@/components/certificates/CertificateForm";
import { CertificateStatusBadge } from "@/components/certificates/CertificateStatus";
import { DocumentButton } from "@/components/certificates/DocumentButton";
import { DataList } from "@/components/materials/DataList";
import { Card, CardBody, CardHeader, EmptyState, ListSkeleton, PageHeader, QueryState } from "@/components/ui";
import { useMyCertificates } from "@/hooks/trust";
import { formatDate, formatDateTime } from "@/lib/format";
import type { Certificate } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";

export default function CertificatesPage() {
  const q = useMyCertificates();
  usePageTitle("Certificates");
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-stone-500">
        <Link to="/account" className="hover:text-stone-800">
          Account
        </Link>{" "}
        / <span className="text-stone-700">Certificates</span>
      </nav>
      <PageHeader title="Certificates" description="GOTS, GRS, OEKO-TEX and other certificates with their evidence. Reference an approved one in a listing's certifications to show it as verified." />
      <CertificateForm />
      <section aria-labelledby="your-certificates" className="space-y-4">
        <h2 id="your-certificates" className="text-lg font-semibold text-stone-900">
          Your certificates
        </h2>
        <QueryState
          query={q}
          loading={<ListSkeleton label="Loading certificates" />}
          errorTitle="Could not load your certificates"
          isEmpty={(d) => d.certificates.length === 0}
          empty={<EmptyState title="No certificates yet" description="Certificates you submit appear here with their review status." />}
        >
          {(data) => (
            <ul className="space-y-4">
              {data.certificates.map((c) => (
                <li key={c.certificate_id}>
                  <CertificateCard certificate={c} />
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </section>
    </div>
  );
}

function CertificateCard({ certificate: c }: { certificate: Certificate }) {
  return (
    <Card>
      <CardHeader title={`${c.scheme} ${c.certificate_number}`} action={<CertificateStatusBadge status={c.status} />} />
      <CardBody className="space-y-3">
        {c.status === "rejected" && c.rejection_reason && (
          <p className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            <span className="font-semibold">Rejected: </span>
            {c.rejection_reason}
          </p>
        )}
        <DataList
          items={[
            ["Issuing body", c.issuing_body],
            ["Valid", `${formatDate(c.valid_from)} – ${formatDate(c.valid_until)}`],
            ["Verified on listings", c.verified ? "Yes" : "No"],
            ["Submitted", formatDateTime(c.created_at)],
            ["Reviewed", c.reviewed_at ? formatDateTime(c.reviewed_at) : "Not yet"],
            [
              "Reference",
              <span key="id" className="font-mono text-xs">
                {c.certificate_id}
              </span>,
            ],
          ]}
        />
        <DocumentButton document={c.document} />
      </CardBody>
    </Card>
  );
}
