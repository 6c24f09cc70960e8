import { Link } from "react-router";
import { PageHeader, Spinner } from "@/components/ui";
import { useAdminUsers, useCertificateQueue, useDisputeQueue, useReportQueue } from "@/hooks/admin";
import { usePageTitle } from "@/lib/usePageTitle";

interface QueueProps {
  title: string;
  to: string;
  query: { data?: { total: number }; isError: boolean };
  unit: string;
}

function QueueCard({ title, to, query, unit }: QueueProps) {
  const total = query.data?.total;
  return (
    <li>
      <Link to={to} className="block rounded-2xl border border-stone-200 bg-white p-5 shadow-sm transition hover:border-brand-300 hover:shadow-md">
        <h2 className="text-sm font-medium text-stone-600">{title}</h2>
        <p className="mt-1 text-3xl font-semibold tracking-tight text-stone-900">{total !== undefined ? total : query.isError ? "—" : <Spinner label={`Counting ${title.toLowerCase()}`} />}</p>
        <p className="mt-1 text-xs text-stone-500">{query.isError ? "Could not count them" : unit}</p>
      </Link>
    </li>
  );
}

/** The operator's start: what waits in each queue. */
export default function AdminHomePage() {
  const waiting = useAdminUsers({ has_company_details: true, verified: false, limit: 1 });
  const reports = useReportQueue({ status: "open", limit: 1 });
  const certificates = useCertificateQueue("pending");
  const disputes = useDisputeQueue("open");
  usePageTitle("Operator");
  return (
    <div>
      <PageHeader title="Operator queues" description="What waits for a decision. Every action you take is recorded in the audit log with your reason." />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <QueueCard title="Verifications" to="/admin/verifications" query={waiting} unit="companies waiting for a check" />
        <QueueCard title="Listing reports" to="/admin/reports" query={reports} unit="open" />
        <QueueCard title="Certificates" to="/admin/certificates" query={certificates} unit="waiting for review" />
        <QueueCard title="Disputes" to="/admin/disputes" query={disputes} unit="open" />
      </ul>
    </div>
  );
}
