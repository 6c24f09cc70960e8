import { ButtonLink } from "@/components/ui";
import { usePageTitle } from "@/lib/usePageTitle";

export default function NotFoundPage() {
  usePageTitle("Page not found");
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center py-16 text-center">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-700">404</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight text-stone-900">Page not found</h1>
      <p className="mt-3 text-stone-600">The page you are looking for does not exist, or it has been moved or archived.</p>
      <div className="mt-8 flex flex-wrap justify-center gap-3">
        <ButtonLink to="/">Go home</ButtonLink>
        <ButtonLink to="/materials" variant="secondary">
          Browse materials
        </ButtonLink>
      </div>
    </div>
  );
}
