import { ButtonLink } from "@/components/ui";
import { usePageTitle } from "@/lib/usePageTitle";

/** Signed in, but this page is not for this account (the operator area for a non-admin). */
export default function ForbiddenPage() {
  usePageTitle("Not allowed");
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center py-16 text-center">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-700">403</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight text-stone-900">You cannot open this page</h1>
      <p className="mt-3 text-stone-600">This part of FabricLoop is for the marketplace operator. If you think you should have access, contact the FabricLoop team.</p>
      <div className="mt-8 flex flex-wrap justify-center gap-3">
        <ButtonLink to="/dashboard">Go to your dashboard</ButtonLink>
        <ButtonLink to="/materials" variant="secondary">
          Browse materials
        </ButtonLink>
      </div>
    </div>
  );
}
