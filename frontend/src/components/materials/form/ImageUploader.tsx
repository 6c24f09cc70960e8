import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui";
import { ACCEPTED_IMAGE_TYPES, checkImageFile, uploadImage } from "@/hooks/images";
import { errorMessage } from "@/lib/errors";
import { type FormImage, MAX_IMAGES } from "./formState";
import { ImageTile, type PendingUpload, PendingTile } from "./ImageTiles";
import { UploadOrder } from "./uploadOrder";

interface Props {
  images: FormImage[];
  onChange: (updater: (imgs: FormImage[]) => FormImage[]) => void;
  error?: string;
  onUploadingChange?: (uploading: boolean) => void;
}

export function ImageUploader({ images, onChange, error, onUploadingChange }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const order = useRef(new UploadOrder<FormImage>());
  const [pending, setPending] = useState<PendingUpload[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const uploading = pending.filter((p) => !p.error).length;
  const room = MAX_IMAGES - images.length - uploading;
  useEffect(() => {
    onUploadingChange?.(uploading > 0);
  }, [uploading, onUploadingChange]);

  const patch = (key: string, p: Partial<PendingUpload>) => setPending((list) => list.map((x) => (x.key === key ? { ...x, ...p } : x)));

  // A finished upload joins the photos once every photo chosen before it has finished too.
  const settle = (key: string, image: FormImage | null) => {
    const released = order.current.settle(key, image);
    const added = released.flatMap((r) => (r.value ? [r.value] : []));
    if (added.length) onChange((imgs) => [...imgs, ...added]);
    const done = new Set(released.filter((r) => r.value).map((r) => r.key));
    setPending((l) => {
      l.filter((x) => done.has(x.key)).forEach((x) => URL.revokeObjectURL(x.preview));
      return l.filter((x) => !done.has(x.key));
    });
  };

  const onFiles = (files: FileList | null) => {
    if (!files) return;
    const list = Array.from(files);
    const accepted = list.slice(0, Math.max(0, room));
    setNotice(list.length > accepted.length ? `Only ${MAX_IMAGES} images per listing; ${list.length - accepted.length} not added.` : null);
    for (const file of accepted) {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      const problem = checkImageFile(file);
      setPending((l) => [...l, { key, name: file.name, preview: problem ? "" : URL.createObjectURL(file), progress: 0, error: problem }]);
      if (problem) continue;
      order.current.add(key);
      uploadImage(file, (f) => patch(key, { progress: f }))
        .then((img) => settle(key, { image_id: img.image_id, url: img.url, thumbnail_url: img.thumbnail_url }))
        .catch((err: unknown) => {
          patch(key, { error: errorMessage(err) });
          settle(key, null);
        });
    }
    if (input.current) input.current.value = "";
  };

  const move = (i: number, j: number) =>
    onChange((imgs) => {
      if (j < 0 || j >= imgs.length) return imgs;
      const next = [...imgs];
      const [img] = next.splice(i, 1);
      next.splice(j, 0, img);
      return next;
    });

  return (
    <div className="space-y-3">
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-5" aria-label="Images">
        {images.map((img, i) => (
          <ImageTile
            key={img.image_id}
            image={img}
            index={i}
            count={images.length}
            onMove={(d) => move(i, i + d)}
            onCover={() => move(i, 0)}
            onRemove={() => onChange((imgs) => imgs.filter((x) => x.image_id !== img.image_id))}
          />
        ))}
        {pending.map((p) => (
          <PendingTile key={p.key} upload={p} onDismiss={() => setPending((l) => l.filter((x) => x.key !== p.key))} />
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-3">
        <input
          ref={input}
          type="file"
          accept={ACCEPTED_IMAGE_TYPES.join(",")}
          multiple
          className="sr-only"
          id="image-upload"
          // Named for checkers, but the button below is what people use: one control, not two.
          aria-label="Upload images"
          aria-hidden="true"
          tabIndex={-1}
          onChange={(e) => onFiles(e.target.files)}
        />
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
