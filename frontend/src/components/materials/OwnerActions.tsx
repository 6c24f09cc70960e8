import { useState } from "react";
import { useNavigate } from "react-router";
import { Button, ButtonLink, ErrorBanner } from "@/components/ui";
import { useDeleteMaterial, useUpdateMaterial } from "@/hooks/materials";
import type { MaterialDetail } from "@/lib/types";

export function OwnerActions({ material }: { material: MaterialDetail }) {
  const navigate = useNavigate();
  const del = useDeleteMaterial();
  const update = useUpdateMaterial(material.material_id);
  const [confirming, setConfirming] = useState(false);
  const error = del.error ?? update.error;

  const setStatus = (status: "active" | "archived" | "draft") => update.mutate({ status });

  return (
    <div className="space-y-3">
      {error && <ErrorBanner error={error} title="Action failed" />}
      <div className="flex flex-wrap gap-2">
        <ButtonLink to={`/materials/${material.material_id}/edit`}>Edit listing</ButtonLink>
        {material.status === "active" && (
          <Button variant="secondary" loading={update.isPending} onClick={() => setStatus("archived")}>
            Archive
          </Button>
        )}
        {(material.status === "archived" || material.status === "draft") && (
          <Button variant="secondary" loading={update.isPending} onClick={() => setStatus("active")}>
            Publish
          </Button>
        )}
        {!confirming ? (
          <Button variant="ghost" className="text-red-700" onClick={() => setConfirming(true)}>
            Delete
          </Button>
        ) : (
          <div role="alertdialog" aria-label="Confirm deletion" className="flex w-full flex-wrap items-center gap-2 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800">
            <span className="flex-1">Delete this listing? Its passport stays public.</span>
            <Button size="sm" variant="danger" loading={del.isPending} onClick={() => del.mutate(material.material_id, { onSuccess: () => navigate("/dashboard") })}>
              Delete
            </Button>
            <Button size="sm" variant="secondary" onClick={() => setConfirming(false)}>
              Keep
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
