import { type KeyboardEvent, useEffect, useRef } from "react";
import type { MaterialDetail } from "@/lib/types";

interface Props {
  images: MaterialDetail["images"];
  title: string;
  index: number;
  onIndexChange: (i: number) => void;
  onClose: () => void;
}

const navButton = "rounded-full bg-white/90 px-3 py-2 text-lg font-semibold text-stone-900 shadow hover:bg-white disabled:opacity-30";

/**
 * A photo at full size in a modal dialog (the browser's own: it traps focus and Escape closes it);
 * the arrow keys or buttons move between photos.
 */
export function Lightbox({ images, title, index, onIndexChange, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const image = images[index];
  const go = (i: number) => {
    if (i >= 0 && i < images.length) onIndexChange(i);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowLeft") go(index - 1);
    if (e.key === "ArrowRight") go(index + 1);
  };
  if (!image) return null;
  return (
    <dialog
      ref={dialog}
      aria-label={`${title}, photo ${index + 1} of ${images.length}`}
      onClose={onClose}
      onKeyDown={onKeyDown}
      className="m-auto max-h-none max-w-none bg-transparent p-0 backdrop:bg-stone-950/85"
    >
      <div className="flex h-dvh w-screen flex-col items-center justify-center gap-3 p-4">
        <img src={image.url} alt={`${title}, photo ${index + 1} of ${images.length}, enlarged`} className="max-h-[85dvh] max-w-full rounded-lg object-contain" />
        <div className="flex items-center gap-3">
          {images.length > 1 && (
            <button type="button" className={navButton} onClick={() => go(index - 1)} disabled={index === 0} aria-label="Previous photo">
              ←
            </button>
          )}
          <button type="button" className={navButton} onClick={onClose} autoFocus>
            Close
          </button>
          {images.length > 1 && (
            <button type="button" className={navButton} onClick={() => go(index + 1)} disabled={index === images.length - 1} aria-label="Next photo">
              →
            </button>
          )}
        </div>
      </div>
    </dialog>
  );
}
