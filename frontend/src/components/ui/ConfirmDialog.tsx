import type { FormEvent, ReactNode } from "react";
import { Button } from "./Button";
import { Dialog } from "./Dialog";
import { ErrorBanner } from "./ErrorBanner";

interface Props {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  /** Runs on confirm (the dialog's form submits); the caller closes it when done. */
  onConfirm: () => void;
  onCancel: () => void;
  loading?: boolean;
  danger?: boolean;
  /** `alertdialog` for a bare confirmation of something that cannot be taken back. */
  role?: "dialog" | "alertdialog";
  /** The failure of the action, shown (and announced) inside the dialog. */
  error?: unknown;
}

/**
 * A confirmation in a modal `Dialog` (focus moves in and stays, Escape cancels, focus returns
 * to the button that opened it). Fields passed as children are part of its form, so Enter
 * confirms.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, cancelLabel = "Cancel", onConfirm, onCancel, loading, danger, role, error }: Props) {
  if (!open) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!loading) onConfirm();
  };
  return (
    <Dialog title={title} onClose={onCancel} role={role}>
      <form onSubmit={submit} noValidate className="space-y-4">
        <div className="space-y-3 text-sm text-stone-700">{children}</div>
        {error != null && <ErrorBanner error={error} />}
        <div className="flex flex-wrap justify-end gap-2 pt-1">
          <Button type="button" variant="secondary" onClick={onCancel}>
            {cancelLabel}
          </Button>
          <Button type="submit" variant={danger ? "danger" : "primary"} loading={loading}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
