import { Link } from "react-router";

export function Logo({ to = "/" }: { to?: string }) {
  return (
    <Link to={to} className="flex items-center gap-2 rounded-md font-semibold text-stone-900" aria-label="FabricLoop home">
      <svg viewBox="0 0 32 32" className="size-8" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="#0f5c4d" />
        <path d="M10 20a6 6 0 1 1 6 6" fill="none" stroke="#d1fae5" strokeWidth="3" strokeLinecap="round" />
        <path d="M22 12a6 6 0 1 1-6-6" fill="none" stroke="#6ee7b7" strokeWidth="3" strokeLinecap="round" />
      </svg>
      <span className="text-lg tracking-tight">
        Fabric<span className="text-brand-700">Loop</span>
      </span>
    </Link>
  );
}
