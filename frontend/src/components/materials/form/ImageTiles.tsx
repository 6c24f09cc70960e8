import { cx } from "@/components/ui";
import type { FormImage } from "./formState";

export interface PendingUpload {
  key: string;
  name: string;
  preview: string;
  progress: number;
  error: string | null;
}

const tool = "rounded px-1.5 text-xs font-medium disabled:opacity-30";

/** An uploaded photo with its controls: move earlier or later, make it the cover, remove. */
export function ImageTile({
  image,
  index,
  count,
  onMove,
  onCover,
  onRemove,
}: {
  image: FormImage;
  index: number;
  count: number;
  onMove: (d: -1 | 1) => void;
  onCover: () => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  return (
    <li className="group relative overflow-hidden rounded-xl border border-stone-200 bg-stone-100">
      <img src={image.thumbnail_url} alt={`Image ${n}`} className="aspect-square w-full object-cover" />
      {index === 0 ? (
        <span className="absolute left-2 top-2 rounded bg-brand-800 px-1.5 py-0.5 text-[10px] font-semibold text-white">Cover</span>
      ) : (
        <button
          type="button"
          className="absolute left-2 top-2 rounded bg-white/95 px-1.5 py-0.5 text-[10px] font-semibold text-brand-800 shadow-sm"
          onClick={onCover}
          aria-label={`Make image ${n} the cover`}
        >
          Make cover
        </button>
      )}
      <div className="absolute inset-x-0 bottom-0 flex justify-between bg-white/90 p-1">
        <button type="button" className={tool} disabled={index === 0} onClick={() => onMove(-1)} aria-label={`Move image ${n} earlier`}>
          ←
        </button>
        <button type="button" className={cx(tool, "text-red-700")} onClick={onRemove} aria-label={`Remove image ${n}`}>
          Remove
        </button>
        <button type="button" className={tool} disabled={index === count - 1} onClick={() => onMove(1)} aria-label={`Move image ${n} later`}>
          →
        </button>
      </div>
    </li>
  );
}

/** A photo on its way up (a preview and a progress bar), or one that failed (its name and why, never a broken image). */
export function PendingTile({ upload: p, onDismiss }: { upload: PendingUpload; onDismiss: () => void }) {
  if (p.error) {
    return (
      <li className="flex aspect-square flex-col justify-between rounded-xl border border-red-300 bg-red-50 p-2 text-[11px] leading-tight text-red-800" data-testid="upload-failed">
        <p className="break-words font-semibold">{p.name}</p>
        <p role="alert" className="break-words">
          {p.error}
        </p>
        <button type="button" className="self-start font-semibold underline" onClick={onDismiss}>
          Dismiss
        </button>
      </li>
    );
  }
  return (
    <li className="relative overflow-hidden rounded-xl border border-stone-200">
      <img src={p.preview} alt={`Uploading ${p.name}`} className="aspect-square w-full object-cover opacity-60" />
      <div className="absolute inset-x-2 bottom-2">
        <div
          className="h-2 overflow-hidden rounded-full bg-white/80"
          role="progressbar"
          aria-label={`Uploading ${p.name}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(p.progress * 100)}
        >
          <div className="h-2 bg-brand-600 transition-all" style={{ width: `${Math.round(p.progress * 100)}%` }} />
        </div>
      </div>
    </li>
  );
}
