import { useEffect, useRef, useState } from "react";
import { Button, cx } from "@/components/ui";
import { ACCEPTED_IMAGE_TYPES, checkImageFile, uploadImage } from "@/hooks/images";
import { errorMessage } from "@/lib/errors";
import { type FormImage, MAX_IMAGES } from "./formState";

interface Pending {
  key: string;
  name: string;
  preview: string;
  progress: number;
  error: string | null;
}

interface Props {
  images: FormImage[];
  onChange: (updater: (imgs: FormImage[]) => FormImage[]) => void;
  error?: string;
  onUploadingChange?: (uploading: boolean) => void;
}

export function ImageUploader({ images, onChange, error, onUploadingChange }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<Pending[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const uploading = pending.filter((p) => !p.error).length;
  const room = MAX_IMAGES - images.length - uploading;
  useEffect(() => {
    onUploadingChange?.(uploading > 0);
  }, [uploading, onUploadingChange]);

  const patch = (key: string, p: Partial<Pending>) => setPending((list) => list.map((x) => (x.key === key ? { ...x, ...p } : x)));

  const onFiles = (files: FileList | null) => {
    if (!files) return;
    const list = Array.from(files);
    const accepted = list.slice(0, Math.max(0, room));
    setNotice(list.length > accepted.length ? `Only ${MAX_IMAGES} images per listing; ${list.length - accepted.length} not added.` : null);
    for (const file of accepted) {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      const problem = checkImageFile(file);
      const preview = URL.createObjectURL(file);
      setPending((l) => [...l, { key, name: file.name, preview, progress: 0, error: problem }]);
      if (problem) continue;
      uploadImage(file, (f) => patch(key, { progress: f }))
        .then((img) => {
          onChange((imgs) => [...imgs, { image_id: img.image_id, url: img.url, thumbnail_url: img.thumbnail_url }]);
          setPending((l) => l.filter((x) => x.key !== key));
          URL.revokeObjectURL(preview);
        })
        .catch((err: unknown) => patch(key, { error: errorMessage(err) }));
    }
    if (input.current) input.current.value = "";
  };

  const move = (i: number, d: -1 | 1) =>
    onChange((imgs) => {
      const next = [...imgs];
      const j = i + d;
      if (j < 0 || j >= next.length) return imgs;
      [next[i], next[j]] = [next[j], next[i]];
      return next;
    });

  return (
    <div className="space-y-3">
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-5" aria-label="Images">
        {images.map((img, i) => (
          <li key={img.image_id} className="group relative overflow-hidden rounded-xl border border-stone-200 bg-stone-100">
            <img src={img.thumbnail_url} alt={`Image ${i + 1}`} className="aspect-square w-full object-cover" />
            {i === 0 && <span className="absolute left-2 top-2 rounded bg-brand-800 px-1.5 py-0.5 text-[10px] font-semibold text-white">Cover</span>}
            <div className="absolute inset-x-0 bottom-0 flex justify-between bg-white/90 p-1">
              <button type="button" className="rounded px-1.5 text-sm disabled:opacity-30" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move image ${i + 1} earlier`}>
                ←
              </button>
              <button
                type="button"
                className="rounded px-1.5 text-xs font-medium text-red-700"
                onClick={() => onChange((imgs) => imgs.filter((x) => x.image_id !== img.image_id))}
                aria-label={`Remove image ${i + 1}`}
              >
                Remove
              </button>
              <button type="button" className="rounded px-1.5 text-sm disabled:opacity-30" disabled={i === images.length - 1} onClick={() => move(i, 1)} aria-label={`Move image ${i + 1} later`}>
                →
              </button>
            </div>
          </li>
        ))}
        {pending.map((p) => (
          <li key={p.key} className={cx("relative overflow-hidden rounded-xl border", p.error ? "border-red-300" : "border-stone-200")}>
            <img src={p.preview} alt={`Uploading ${p.name}`} className="aspect-square w-full object-cover opacity-60" />
            <div className="absolute inset-x-2 bottom-2">
              {p.error ? (
                <div className="rounded bg-white/95 p-1.5 text-[11px] leading-tight text-red-700">
                  {p.error}
                  <button type="button" className="ml-1 font-semibold underline" onClick={() => setPending((l) => l.filter((x) => x.key !== p.key))}>
                    Dismiss
                  </button>
                </div>
              ) : (
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
              )}
            </div>
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-3">
        <input ref={input} type="file" accept={ACCEPTED_IMAGE_TYPES.join(",")} multiple className="sr-only" id="image-upload" onChange={(e) => onFiles(e.target.files)} />
        <Button variant="secondary" onClick={() => input.current?.click()} disabled={room <= 0}>
          Upload images
        </Button>
        <p className="text-xs text-stone-500">
          JPEG, PNG or WebP, up to 5 MB each; {images.length}/{MAX_IMAGES} used. The first image is the cover.
        </p>
      </div>
      {(notice || error) && <p className="text-sm font-medium text-red-600">{error ?? notice}</p>}
    </div>
  );
}
