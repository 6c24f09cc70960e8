import { useState } from "react";
import { cx } from "@/components/ui";
import { PHOTO_SIZES, photoSrcSet } from "@/lib/photos";
import type { MaterialDetail } from "@/lib/types";
import { Lightbox } from "./Lightbox";
import { MaterialThumb } from "./MaterialCard";

export function ImageGallery({ images, title }: { images: MaterialDetail["images"]; title: string }) {
  const [index, setIndex] = useState(0);
  const [zoomed, setZoomed] = useState(false);
  const current = images[index] ?? images[0];
  if (!current) return <MaterialThumb src={null} alt={title} className="aspect-[4/3] w-full rounded-2xl" />;
  const srcSet = photoSrcSet(current);
  return (
    <div>
      <div className="relative overflow-hidden rounded-2xl border border-stone-200 bg-stone-100">
        {/* The display image (1200 px) or the variant the slot needs; the original only in the
            lightbox (a detail cached before display images existed has no display_url). The
            server paints the first photo with the same src, srcset and sizes. */}
        <img
          src={current.display_url || current.url}
          srcSet={srcSet}
          sizes={srcSet && PHOTO_SIZES}
          alt={`${title}, photo ${index + 1} of ${images.length}`}
          width={800}
          height={600}
          fetchPriority="high"
          onClick={() => setZoomed(true)}
          className="aspect-[4/3] w-full cursor-zoom-in object-contain"
        />
        <button type="button" onClick={() => setZoomed(true)} className="absolute bottom-3 right-3 rounded-lg bg-white/90 px-2.5 py-1.5 text-sm font-medium text-stone-800 shadow-sm hover:bg-white">
          Enlarge photo
        </button>
      </div>
      {zoomed && <Lightbox images={images} title={title} index={index} onIndexChange={setIndex} onClose={() => setZoomed(false)} />}
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
                <img src={img.thumbnail_url} alt="" width={80} height={80} className="size-full object-cover" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
