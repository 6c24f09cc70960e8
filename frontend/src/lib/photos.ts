import type { MaterialDetail } from "./types";

type Photo = MaterialDetail["images"][number];

/**
 * The main photo's slot in MaterialDetailPage: the first column (3/5 of max-w-7xl less padding
 * and gap, beside the buy box from lg) or the page's width less its padding. The server paints
 * the same string (seo/first_paint.py PHOTO_SIZES), so that both pick the same file.
 */
export const PHOTO_SIZES = "(min-width: 1280px) 720px, (min-width: 1024px) calc(60vw - 48px), (min-width: 640px) calc(100vw - 48px), calc(100vw - 32px)";

// The variants' longest sides (the backend's images/processing.py THUMBNAIL_SIDE, DISPLAY_SIDE).
const VARIANT_SIDES = [
  ["display_url", 1200],
  ["thumbnail_url", 400],
] as const;

/**
 * The photo's files (thumbnail, display image, original) with their widths, smallest first,
 * each file once (a variant the job has not made yet is the original); undefined without the
 * original's size. seo/first_paint.py photo_srcset gives the same string (photos.cases.json).
 */
export function photoSrcSet(image: Pick<Photo, "url" | "thumbnail_url" | "display_url"> & Partial<Pick<Photo, "width" | "height">>): string | undefined {
  const { width, height } = image;
  if (!width || !height) return undefined;
  const longest = Math.max(width, height);
  const widths = new Map<string, number>([[image.url, width]]);
  for (const [field, side] of VARIANT_SIDES) {
    const url = image[field];
    if (url && !widths.has(url)) widths.set(url, Math.max(1, Math.round(width * Math.min(1, side / longest))));
  }
  return [...widths]
    .sort((a, b) => a[1] - b[1])
    .map(([url, w]) => `${url} ${w}w`)
    .join(", ");
}
