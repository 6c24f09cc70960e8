import { Link, useParams } from "react-router";
import { ListingModeration } from "@/components/admin/ListingModeration";
import { ReportCard } from "@/components/admin/ReportCard";
import { DataList } from "@/components/materials/DataList";
import { StatusBadge } from "@/components/materials/StatusBadge";
import { VerifiedBadge } from "@/components/materials/VerifiedBadge";
import { Card, CardBody, CardHeader, EmptyState, ListSkeleton, PageHeader, PageSkeleton, QueryState } from "@/components/ui";
import { useReportQueue } from "@/hooks/admin";
import { useMaterial } from "@/hooks/materials";
import { formatDateTime, formatMoney, formatQuantity, humanize } from "@/lib/format";
import type { MaterialDetail } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";
import NotFoundPage from "../NotFoundPage";

export default function AdminMaterialPage() {
  const { id } = useParams();
  const q = useMaterial(id);
  usePageTitle(q.data ? `Moderate — ${q.data.title}` : "Listing");
  return (
    <QueryState query={q} loading={<PageSkeleton label="Loading listing" />} errorTitle="Could not load this listing" notFound={<NotFoundPage />}>
      {(m) => <Moderation material={m} />}
    </QueryState>
  );
}

function hiddenReason(m: MaterialDetail): string | null {
  return "hidden_reason" in m && typeof m.hidden_reason === "string" ? m.hidden_reason : null;
}

function Moderation({ material: m }: { material: MaterialDetail }) {
  const reports = useReportQueue({ material_id: m.material_id, limit: 50 });
  const reason = hiddenReason(m);
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-stone-500">
        <Link to="/admin/reports" className="hover:text-stone-800">
          Listing reports
        </Link>{" "}
        / <span className="text-stone-700">{m.title}</span>
      </nav>
      <PageHeader eyebrow="Listing" title={m.title} actions={<StatusBadge status={m.status} />} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card>
          <CardHeader
            title="Listing"
            action={
              <Link to={`/materials/${m.material_id}`} className="text-sm font-medium text-brand-700 hover:underline">
                Public page →
              </Link>
            }
          />
          <CardBody>
            <DataList
              items={[
                [
                  "Seller",
                  <span key="s" className="inline-flex flex-wrap items-center gap-1.5">
                    <Link to={`/admin/users/${m.seller.user_id}`} className="font-medium text-brand-700 hover:underline">
                      {m.seller.company_name}
                    </Link>
                    <VerifiedBadge seller={m.seller} />
                  </span>,
                ],
                ["Type", `${humanize(m.material_type)} · ${humanize(m.source_type)}`],
                ["Price", formatMoney(m.price, m.currency)],
                ["Available", formatQuantity(m.quantity, m.unit)],
                ["Listed", formatDateTime(m.created_at)],
                ...(reason ? ([["Hidden because", reason]] as Array<[string, string]>) : []),
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Moderation" description="Hiding takes the listing out of search at once; its seller sees your reason." />
          <CardBody>
            <ListingModeration materialId={m.material_id} title={m.title} hidden={(m.status as string) === "hidden"} />
          </CardBody>
        </Card>
      </div>
      <section aria-labelledby="reports-heading" className="space-y-4">
        <h2 id="reports-heading" className="text-lg font-semibold text-stone-900">
          Reports on this listing
        </h2>
        <QueryState
          query={reports}
          loading={<ListSkeleton label="Loading reports" />}
          errorTitle="Could not load reports"
          isEmpty={(d) => d.reports.length === 0}
          empty={<EmptyState title="No reports on this listing" />}
        >
          {(data) => (
            <ul className="space-y-4">
              {data.reports.map((r) => (
                <li key={r.report_id}>
                  <ReportCard report={r} showListing={false} />
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </section>
    </div>
  );
}
