import { useNavigate } from "react-router";
import { MaterialForm } from "@/components/materials/form/MaterialForm";
import { buildBody, emptyForm } from "@/components/materials/form/formState";
import { PageHeader } from "@/components/ui";
import { useCreateMaterial } from "@/hooks/materials";
import { ApiError } from "@/lib/errors";
import { usePageTitle } from "@/lib/usePageTitle";

export default function MaterialNewPage() {
  const navigate = useNavigate();
  const create = useCreateMaterial();
  usePageTitle("List a material");
  const fieldErrors = create.error instanceof ApiError ? create.error.fieldErrors() : {};

  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader eyebrow="New listing" title="List a material" description="A Digital Product Passport is created with the listing." />
      <MaterialForm
        initial={emptyForm()}
        mode="create"
        submitting={create.isPending}
        serverError={create.error}
        serverFieldErrors={fieldErrors}
        onCancel={() => (window.history.length > 1 ? navigate(-1) : navigate("/dashboard"))}
        onSubmit={(form, setErrors) => {
          const [body, errors] = buildBody(form);
          setErrors(errors);
          if (!body) return;
          create.mutate(body, {
            onSuccess: (res) => navigate(`/materials/${res.material_id}`),
            onError: () => window.scrollTo({ top: 0, behavior: "smooth" }),
          });
        }}
      />
    </div>
  );
}
