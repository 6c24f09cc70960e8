import { useState } from "react";
import { Button, SuccessBanner } from "@/components/ui";
import { useListingModeration } from "@/hooks/admin";
import { MODERATION_REASON_MAX } from "@/lib/trust";
import { ConfirmAction } from "./ConfirmAction";

/** Hide a listing with a reason its seller sees, or show it again. */
export function ListingModeration({ materialId, title, hidden }: { materialId: string; title: string; hidden: boolean }) {
  const moderate = useListingModeration(materialId);
  const [dialog, setDialog] = useState<"hide" | "unhide" | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const open = (a: "hide" | "unhide") => {
    moderate.reset();
    setDone(null);
    setDialog(a);
  };
  return (
    <div className="space-y-2">
      {done && <SuccessBanner>{done}</SuccessBanner>}
      {hidden ? (
        <Button variant="secondary" size="sm" onClick={() => open("unhide")}>
          Show listing again<span className="sr-only">: {title}</span>
        </Button>
      ) : (
        <Button variant="danger" size="sm" onClick={() => open("hide")}>
          Hide listing<span className="sr-only">: {title}</span>
        </Button>
      )}
      {dialog && (
        <ConfirmAction
          title={dialog === "hide" ? `Hide “${title}”?` : `Show “${title}” again?`}
          description={
            dialog === "hide"
              ? "It leaves search and becomes unavailable to everyone but its seller, who sees your reason. Open reports on it are closed as actioned."
              : "It returns to search and to its public page."
          }
          confirmLabel={dialog === "hide" ? "Hide listing" : "Show listing"}
          reasonLabel={dialog === "hide" ? "Reason, shown to the seller" : undefined}
          reasonMax={MODERATION_REASON_MAX}
          danger={dialog === "hide"}
          pending={moderate.isPending}
          error={moderate.error}
          onClose={() => setDialog(null)}
          onConfirm={(reason) =>
            moderate.mutate(
              { action: dialog, reason },
              {
                onSuccess: () => {
                  setDialog(null);
                  setDone(dialog === "hide" ? "Listing hidden." : "Listing shown again.");
                },
              },
            )
          }
        />
      )}
    </div>
  );
}
