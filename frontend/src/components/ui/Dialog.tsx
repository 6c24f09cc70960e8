import { type ReactNode, useEffect, useId, useRef } from "react";

interface Props {
  title: ReactNode;
  description?: ReactNode;
  /** Escape, the backdrop's Cancel, or the parent closing it. */
  onClose: () => void;
  children: ReactNode;
  /** `alertdialog` for a confirmation of something that cannot be taken back lightly. */
  role?: "dialog" | "alertdialog";
}

/**
 * A modal dialog, the browser's own (`showModal`): it traps focus, Escape closes it, and focus
 * returns to what opened it. Mounted = open; the parent unmounts it to close.
 */
export function Dialog({ title, description, onClose, children, role = "dialog" }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      role={role === "alertdialog" ? "alertdialog" : undefined}
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-desc` : undefined}
      onClose={onClose}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-2xl border border-stone-200 bg-white p-0 text-stone-900 shadow-xl backdrop:bg-stone-950/50"
    >
      <div className="space-y-4 p-5 sm:p-6">
        <div>
          <h2 id={`${id}-title`} className="text-lg font-semibold text-stone-900">
            {title}
          </h2>
          {description && (
            <div id={`${id}-desc`} className="mt-1 text-sm text-stone-600">
              {description}
            </div>
          )}
        </div>
        {children}
      </div>
    </dialog>
  );
}
