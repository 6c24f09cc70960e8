import { cx } from "@/components/ui";

/** Whether a seller object says the operator verified the company (`seller.verified`). */
export function isVerified(seller: object): boolean {
  return "verified" in seller && seller.verified === true;
}

/** "Verified" beside a seller's name: the operator checked the company's registration. */
export function VerifiedBadge({ seller, className }: { seller: object; className?: string }) {
  if (!isVerified(seller)) return null;
  return (
    <span
      className={cx("inline-flex items-center gap-0.5 rounded-full bg-emerald-50 px-1.5 py-px align-middle text-xs font-medium text-emerald-800 ring-1 ring-inset ring-emerald-200", className)}
      title="Verified seller: FabricLoop checked the company's registration"
    >
      <svg viewBox="0 0 20 20" fill="currentColor" className="size-3.5" aria-hidden="true">
        <path
          fillRule="evenodd"
          d="M16.403 12.652a3 3 0 0 0 0-5.304 3 3 0 0 0-3.75-3.751 3 3 0 0 0-5.305 0 3 3 0 0 0-3.751 3.75 3 3 0 0 0 0 5.305 3 3 0 0 0 3.75 3.751 3 3 0 0 0 5.305 0 3 3 0 0 0 3.751-3.75Zm-2.546-4.46a.75.75 0 0 0-1.214-.883l-3.483 4.79-1.88-1.88a.75.75 0 1 0-1.06 1.061l2.5 2.5a.75.75 0 0 0 1.137-.089l4-5.5Z"
          clipRule="evenodd"
        />
      </svg>
      Verified
      <span className="sr-only"> seller</span>
    </span>
  );
}
