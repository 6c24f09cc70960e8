import { NavLink, Outlet } from "react-router";
import { cx } from "@/components/ui";

const SECTIONS: Array<{ to: string; label: string; end?: boolean }> = [
  { to: "/admin", label: "Queues", end: true },
  { to: "/admin/verifications", label: "Verifications" },
  { to: "/admin/reports", label: "Listing reports" },
  { to: "/admin/certificates", label: "Certificates" },
  { to: "/admin/disputes", label: "Disputes" },
  { to: "/admin/stats", label: "Statistics" },
  { to: "/admin/audit", label: "Audit log" },
];

const linkClass = ({ isActive }: { isActive: boolean }) =>
  cx("whitespace-nowrap rounded-lg px-3 py-2 text-sm font-medium transition-colors", isActive ? "bg-brand-50 text-brand-800" : "text-stone-600 hover:bg-stone-100 hover:text-stone-900");

/** The operator area: its sections as a second navigation above the page. */
export function AdminLayout() {
  return (
    <div className="space-y-6">
      <nav aria-label="Operator" className="-mx-4 overflow-x-auto border-b border-stone-200 px-4 pb-3 sm:mx-0 sm:px-0">
        <p className="mb-2 text-xs font-semibold uppercase tracking-wide text-stone-500">Operator</p>
        <div className="flex gap-1">
          {SECTIONS.map((s) => (
            <NavLink key={s.to} to={s.to} end={s.end} className={linkClass}>
              {s.label}
            </NavLink>
          ))}
        </div>
      </nav>
      <Outlet />
    </div>
  );
}
