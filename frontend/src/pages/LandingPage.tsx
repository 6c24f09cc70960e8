import { Navigate, useNavigate } from "react-router";
import { MaterialCard, MaterialCardSkeletons } from "@/components/materials/MaterialCard";
import { SearchBox } from "@/components/materials/SearchBox";
import { ButtonLink, QueryState } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useMaterialSearch } from "@/hooks/materials";
import { usePageTitle } from "@/lib/usePageTitle";

const ICONS = [
  // tag
  "M3 11.5V4a1 1 0 0 1 1-1h7.5l9 9-8.5 8.5-9-9ZM7.5 7.5h.01",
  // passport / qr
  "M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2v2h-2zM18 18h2v2h-2zM14 18h2M18 14h2",
  // shield check
  "M12 3 5 6v5c0 4.5 3 8.3 7 10 4-1.7 7-5.5 7-10V6l-7-3Zm-3 9 2 2 4-4",
  // chart
  "M4 20V10M10 20V4M16 20v-7M22 20H2",
];

const FEATURES = [
  {
    title: "List surplus in minutes",
    text: "Manufacturers publish deadstock, surplus and post-industrial fabric, yarn and fibre with photos, composition and certifications.",
  },
  {
    title: "Digital Product Passport",
    text: "Every listing carries a public, QR-linked passport: composition, certifications, supply chain and impact metrics with history.",
  },
  {
    title: "Buy with confidence",
    text: "Message sellers, reserve stock, and pay securely. Orders move from paid to shipped to completed with a full audit trail.",
  },
  {
    title: "Scope 3 ready reporting",
    text: "Brands get carbon and water savings versus virgin material, with Scope 3 category 1 emissions reported beside them — never netted.",
  },
];

export default function LandingPage() {
  const { status } = useAuth();
  const navigate = useNavigate();
  const latest = useMaterialSearch({ sort: "newest", limit: 4 });
  usePageTitle(null);
  if (status === "authenticated") return <Navigate to="/dashboard" replace />;

  return (
    <div className="-mt-8 space-y-16">
      <section className="relative -mx-4 overflow-hidden bg-gradient-to-br from-brand-900 via-brand-800 to-brand-700 px-4 py-16 text-white sm:-mx-6 sm:px-6 sm:py-24">
        <div className="mx-auto max-w-3xl text-center">
          <p className="text-sm font-semibold uppercase tracking-widest text-brand-200">The circular textiles marketplace</p>
          <h1 className="mt-3 text-4xl font-semibold tracking-tight sm:text-5xl">Give surplus fabric a second life — and prove it.</h1>
          <p className="mt-5 text-lg text-brand-100">
            FabricLoop connects manufacturers with deadstock and recycled materials to brands that want them, with a Digital Product Passport for every listing and carbon, water and Scope 3 reporting
            for every purchase.
          </p>
          <div className="mx-auto mt-8 max-w-xl rounded-xl bg-white/10 p-2 backdrop-blur">
            <SearchBox size="lg" onSearch={(q) => navigate(q ? `/materials?q=${encodeURIComponent(q)}` : "/materials")} />
          </div>
          <div className="mt-8 flex flex-wrap justify-center gap-3">
            <ButtonLink to="/register" size="lg" className="bg-white !text-brand-900 hover:bg-brand-50">
              Create a free account
            </ButtonLink>
            <ButtonLink to="/materials" size="lg" variant="ghost" className="!text-white ring-1 ring-white/40 hover:bg-white/10">
              Browse materials
            </ButtonLink>
          </div>
        </div>
      </section>

      <section aria-labelledby="how">
        <h2 id="how" className="text-center text-2xl font-semibold tracking-tight text-stone-900">
          Built for circular sourcing
        </h2>
        <div className="mt-8 grid gap-5 sm:grid-cols-2 lg:grid-cols-4">
          {FEATURES.map((f, i) => (
            <div key={f.title} className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
              <div className="mb-3 flex size-10 items-center justify-center rounded-lg bg-brand-50 text-brand-700" aria-hidden="true">
                <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
                  <path d={ICONS[i]} />
                </svg>
              </div>
              <h3 className="font-semibold text-stone-900">{f.title}</h3>
              <p className="mt-2 text-sm text-stone-600">{f.text}</p>
            </div>
          ))}
        </div>
      </section>

      <section aria-labelledby="latest">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="latest" className="text-2xl font-semibold tracking-tight text-stone-900">
            Recently listed
          </h2>
          <ButtonLink to="/materials" variant="secondary" size="sm">
            See all materials →
          </ButtonLink>
        </div>
        <div className="mt-6">
          <QueryState
            query={latest}
            errorTitle="Could not load listings"
            loading={<MaterialCardSkeletons count={4} className="grid gap-5 sm:grid-cols-2 lg:grid-cols-4" />}
            isEmpty={(d) => d.materials.length === 0}
            empty={
              <p className="rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-500">
                No materials are listed yet. Manufacturers: be the first to list your surplus.
              </p>
            }
          >
            {(data) => (
              <div className="grid gap-5 sm:grid-cols-2 lg:grid-cols-4">
                {data.materials.map((m) => (
                  <MaterialCard key={m.material_id} material={m} />
                ))}
              </div>
            )}
          </QueryState>
        </div>
      </section>
    </div>
  );
}
