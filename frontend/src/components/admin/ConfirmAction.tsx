import { type FormEvent, type ReactNode, useState } from "react";
import { Button, Dialog, ErrorBanner, Textarea } from "@/components/ui";
import { REASON_MAX, validateReason } from "@/lib/trust";

interface Props {
  title: string;
  description?: ReactNode;
  confirmLabel: string;
  /** Ask for a reason (told to the user, kept in the audit log). */
  reasonLabel?: string;
  /** The longest reason the route takes. */
  reasonMax?: number;
  danger?: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string | undefined) => void;
  onClose: () => void;
}

/** A confirmation dialog for an operator action, with the reason it needs when it needs one. */
export function ConfirmAction({ title, description, confirmLabel, reasonLabel, reasonMax = REASON_MAX, danger, pending, error, onConfirm, onClose }: Props) {
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reasonLabel) {
      const p = validateReason(reason, reasonMax);
      setProblem(p);
      if (p) return;
    }
    onConfirm(reasonLabel ? reason.trim() : undefined);
  };
  return (
    <Dialog title={title} description={description} onClose={onClose} role="alertdialog">
      <form onSubmit={submit} noValidate className="space-y-4">
        {reasonLabel && (
          <Textarea
            label={reasonLabel}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={problem}
            hint={`Up to ${reasonMax} characters; kept in the audit log.`}
            required
            rows={3}
            maxLength={reasonMax}
            autoFocus
          />
        )}
        {Boolean(error) && <ErrorBanner error={error} title="The action failed" />}
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={onClose} autoFocus={!reasonLabel}>
            Cancel
          </Button>
          <Button type="submit" variant={danger ? "danger" : "primary"} loading={pending}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
