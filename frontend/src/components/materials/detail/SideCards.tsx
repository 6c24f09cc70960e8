import { Link, useLocation } from "react-router";
import { ContactSeller } from "@/components/messages/ContactSeller";
import { Card, CardBody, CardHeader } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { endSentence } from "@/lib/format";
import type { MaterialDetail } from "@/lib/types";

/** The QR code and link to the listing's public Digital Product Passport. */
export function PassportCard({ material: m }: { material: MaterialDetail }) {
  return (
    <Card>
      <CardHeader title="Digital Product Passport" description="Public, verifiable record of this material." />
      <CardBody className="flex items-center gap-4">
        <img
          src={`/api/passports/${m.material_id}/qr.svg`}
          alt="QR code linking to the passport"
          width={96}
          height={96}
          loading="lazy"
          className="size-24 rounded-lg border border-stone-200 bg-white p-1"
        />
        <div className="space-y-2 text-sm">
          <p className="text-stone-600">Scan or open the passport to see composition, certifications, metrics history and supply chain.</p>
          <Link to={`/passport/${m.material_id}`} className="font-medium text-brand-700 hover:underline">
            View passport →
          </Link>
        </div>
      </CardBody>
    </Card>
  );
}

/** A message form to the seller, or a link to sign in first. */
export function ContactCard({ material: m }: { material: MaterialDetail }) {
  const { status } = useAuth();
  const here = encodeURIComponent(useLocation().pathname);
  return (
    <Card>
      <CardHeader title="Contact the seller" />
      <CardBody>
        {status === "authenticated" ? (
          <ContactSeller sellerId={m.seller.user_id} sellerName={m.seller.company_name} materialId={m.material_id} materialTitle={m.title} />
        ) : (
          <p className="text-sm text-stone-600">
            <Link to={`/login?next=${here}`} className="font-medium text-brand-700 hover:underline">
              Sign in
            </Link>{" "}
            to message {endSentence(m.seller.company_name)}
          </p>
        )}
      </CardBody>
    </Card>
  );
}
