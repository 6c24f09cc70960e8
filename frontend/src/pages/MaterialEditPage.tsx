import { useMutation } from "@tanstack/react-query";
import { useNavigate, useParams } from "react-router";
import { MaterialForm } from "@/components/materials/form/MaterialForm";
import { type MaterialFormState, buildBody, buildMetrics, formFromMaterial } from "@/components/materials/form/formState";
import { ErrorBanner, PageHeader, PageSkeleton, QueryState } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useMaterial, useUpdateMaterial } from "@/hooks/materials";
import { useAddMetrics } from "@/hooks/passports";
import { ApiError } from "@/lib/errors";
import type { MaterialUpdateBody } from "@/lib/types";
import NotFoundPage from "./NotFoundPage";
import { usePageTitle } from "@/lib/usePageTitle";

function metricsChanged(a: MaterialFormState, b: MaterialFormState): boolean {
  return a.carbon_footprint !== b.carbon_footprint || a.water_usage !== b.water_usage || JSON.stringify(a.chemicals) !== JSON.stringify(b.chemicals);
}

export default function MaterialEditPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const { user } = useAuth();
  const q = useMaterial(id);
  usePageTitle(q.data ? `Edit ${q.data.title}` : "Edit listing");
  const update = useUpdateMaterial(id);
  const addMetrics = useAddMetrics(id);
  const save = useMutation({
    mutationFn: async ({ body, metrics }: { body: MaterialUpdateBody; metrics: Parameters<typeof addMetrics.mutateAsync>[0] | null }) => {
      await update.mutateAsync(body);
      if (metrics) await addMetrics.mutateAsync(metrics);
    },
  });

  if (q.status !== "success") return <QueryState query={q} loading={<PageSkeleton label="Loading listing" />} errorTitle="Could not load this listing" notFound={<NotFoundPage />} />;
  if (user && q.data.seller.user_id !== user.user_id) {
    return <ErrorBanner error={new Error("Only the seller can edit this listing.")} title="Not your listing" />;
  }
  const initial = formFromMaterial(q.data);
  const fieldErrors = save.error instanceof ApiError ? save.error.fieldErrors() : {};

  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader eyebrow="Edit listing" title={q.data.title} />
      <MaterialForm
        key={q.data.updated_at}
        initial={initial}
        mode="edit"
        submitting={save.isPending}
        serverError={save.error}
        serverFieldErrors={fieldErrors}
        onCancel={() => navigate(`/materials/${id}`)}
        onSubmit={(form, setErrors) => {
          const [body, errors] = buildBody(form);
          const [metrics] = buildMetrics(form);
          setErrors(errors);
          if (!body) return;
          // A listing sold by lot takes its quantity from its lots (and keeps it when they are
          // removed: `lots: []` turns them off).
          const { sustainability_metrics: _ignored, ...rest } = body;
          void _ignored;
          const put: MaterialUpdateBody = { ...rest };
          if (form.lots.length || q.data.lots.length) delete put.quantity;
          if (!form.sample_available) {
            delete put.sample_price;
            delete put.sample_description;
          }
          if (form.status !== initial.status && form.status !== "sold_out") put.status = form.status as NonNullable<MaterialUpdateBody["status"]>;
          const metricsBody = metricsChanged(form, initial) ? (metrics ?? { carbon_footprint: null, water_usage: null, chemical_composition: [] }) : null;
          save.mutate(
            { body: put, metrics: metricsBody },
            {
              onSuccess: () => navigate(`/materials/${id}`),
              onError: () => window.scrollTo({ top: 0, behavior: "smooth" }),
            },
          );
        }}
      />
    </div>
  );
}
