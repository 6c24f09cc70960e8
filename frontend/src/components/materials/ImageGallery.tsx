import { useState } from "react";
import { cx } from "@/components/ui";
import type { MaterialDetail } from "@/lib/types";
import { MaterialThumb } from "./MaterialCard";

export function ImageGallery({ images, title }: { images: MaterialDetail["images"]; title: string }) {
  const [index, setIndex] = useState(0);
  const current = images[index] ?? images[0];
  if (!current) return <MaterialThumb src={null} alt={title} className="aspect-[4/3] w-full rounded-2xl" />;
  return (
    <div>
      <div className="overflow-hidden rounded-2xl border border-stone-200 bg-stone-100">
        <img src={current.url} alt={`${title}, photo ${index + 1} of ${images.length}`} className="aspect-[4/3] w-full object-contain" />
      </div>
      {images.length > 1 && (
        <ul className="mt-3 flex gap-2 overflow-x-auto pb-1" aria-label="Photos">
          {images.map((img, i) => (
            <li key={img.image_id}>
              <button
                type="button"
                onClick={() => setIndex(i)}
                aria-label={`Show photo ${i + 1}`}
                aria-current={i === index || undefined}
                className={cx("block size-16 overflow-hidden rounded-lg border-2 sm:size-20", i === index ? "border-brand-600" : "border-transparent opacity-80 hover:opacity-100")}
              >
                <img src={img.thumbnail_url} alt="" className="size-full object-cover" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
