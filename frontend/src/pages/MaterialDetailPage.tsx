import { Link, useParams } from "react-router";
import { BuyBox } from "@/components/materials/detail/BuyBox";
import { MaterialSections } from "@/components/materials/detail/MaterialSections";
import { isAdmin } from "@/components/auth/auth-context";
import { ReportListing } from "@/components/materials/detail/ReportListing";
import { ContactCard, PassportCard } from "@/components/materials/detail/SideCards";
import { ImageGallery } from "@/components/materials/ImageGallery";
import { ImpactPanel } from "@/components/materials/ImpactPanel";
import { Card, CardBody, CardHeader, QueryState, Skeleton, SkeletonRegion } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useMaterial } from "@/hooks/materials";
import type { MaterialDetail } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";
import NotFoundPage from "./NotFoundPage";

export default function MaterialDetailPage() {
  const { id } = useParams();
  const q = useMaterial(id);
  usePageTitle(q.data?.title ?? "Material");
  return (
    <QueryState query={q} loading={<MaterialSkeleton />} errorTitle="Could not load this material" notFound={<NotFoundPage />}>
      {(m) => <MaterialView material={m} />}
    </QueryState>
  );
}

/** The material page's outline while it loads: the photo, the description, the buy box and the
 * impact, where they will be (on a phone, photo first, then the buy box). */
function MaterialSkeleton() {
  return (
    <SkeletonRegion label="Loading material" className="space-y-8">
      <Skeleton className="h-5 w-72 max-w-full" />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)] lg:gap-8">
        <div className="space-y-6">
          <Skeleton className="aspect-[4/3] w-full rounded-2xl" />
          <Skeleton className="hidden h-64 rounded-2xl lg:block" />
        </div>
        <div className="space-y-6">
          <Skeleton className="h-80 rounded-2xl" />
          <Skeleton className="h-56 rounded-2xl" />
        </div>
      </div>
    </SkeletonRegion>
  );
}

/** Why the operator hid the listing (null: hidden with the seller's suspension); undefined when it is not hidden. */
function hiddenReason(m: MaterialDetail): string | null | undefined {
  if ((m.status as string) !== "hidden") return undefined;
  return "hidden_reason" in m && typeof m.hidden_reason === "string" ? m.hidden_reason : null;
}

function MaterialView({ material: m }: { material: MaterialDetail }) {
  const { user, status } = useAuth();
  const isOwner = user?.user_id === m.seller.user_id;
  return (
    <div className="space-y-8">
      <nav aria-label="Breadcrumb" className="text-sm text-stone-500">
        <Link to="/materials" className="hover:text-stone-800">
          Materials
        </Link>{" "}
        / <span className="text-stone-700">{m.title}</span>
      </nav>
      {isOwner && hiddenReason(m) !== undefined && (
        <div role="status" className="rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          <p className="font-semibold">The FabricLoop operator has hidden this listing.</p>
          <p className="mt-0.5">{hiddenReason(m) ?? "Your account is suspended."} It is out of search and buyers cannot open it; contact the FabricLoop team if you think this is a mistake.</p>
        </div>
      )}
      {isAdmin(user) && (
        <p className="text-sm">
          <Link to={`/admin/materials/${m.material_id}`} className="font-medium text-brand-700 hover:underline">
            Moderate this listing →
          </Link>
        </p>
      )}
      {/* On a phone the two columns dissolve into one list (contents), reordered so that the
          photos, the price with "Buy now" and the impact come first. */}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)] lg:gap-8">
        <div className="contents lg:block lg:space-y-6">
          <div className="-order-2 lg:order-none">
            <ImageGallery images={m.images} title={m.title} />
          </div>
          <MaterialSections material={m} />
        </div>

        <div className="contents lg:sticky lg:top-24 lg:block lg:space-y-6 lg:self-start">
          <BuyBox material={m} className="-order-1 lg:order-none" />
          <Card className="-order-1 lg:order-none">
            <CardHeader title="Environmental impact" />
            <CardBody>
              <ImpactPanel material={m} />
            </CardBody>
          </Card>
          <PassportCard material={m} />
          {!isOwner && <ContactCard material={m} />}
          {!isOwner && status === "authenticated" && !isAdmin(user) && (
            <div className="flex justify-end">
              <ReportListing materialId={m.material_id} title={m.title} />
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
