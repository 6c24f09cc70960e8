import { getAccessToken, refreshSession } from "@/api/client";
import { toApiError } from "@/lib/errors";
import type { ImageUploaded } from "@/lib/types";

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const ACCEPTED_IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"];

function xhrUpload(url: string, file: File, onProgress: (fraction: number) => void): Promise<{ status: number; body: unknown; xhr: XMLHttpRequest }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    const token = getAccessToken();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = undefined;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      resolve({ status: xhr.status, body, xhr });
    };
    xhr.onerror = () => reject(toApiError(undefined, undefined));
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}

function responseOf(status: number, xhr: XMLHttpRequest): Response {
  const headers = new Headers();
  const rid = xhr.getResponseHeader("X-Request-ID");
  if (rid) headers.set("X-Request-ID", rid);
  const ra = xhr.getResponseHeader("Retry-After");
  if (ra) headers.set("Retry-After", ra);
  return new Response(null, { status: status < 200 ? 599 : status, headers });
}

/** POST a file as multipart `file` with upload progress (XHR), one silent refresh on 401. */
export async function uploadFile<T>(url: string, file: File, onProgress: (fraction: number) => void = () => {}): Promise<T> {
  let res = await xhrUpload(url, file, onProgress);
  if (res.status === 401 && (await refreshSession())) res = await xhrUpload(url, file, onProgress);
  if (res.status === 201 || res.status === 200) return res.body as T;
  throw toApiError(responseOf(res.status, res.xhr), res.body);
}

/** POST /api/images with upload progress. */
export function uploadImage(file: File, onProgress: (fraction: number) => void = () => {}): Promise<ImageUploaded> {
  return uploadFile<ImageUploaded>("/api/images", file, onProgress);
}

/** Client-side checks mirroring the server's rules; returns a message or null. */
export function checkImageFile(file: File): string | null {
  if (!ACCEPTED_IMAGE_TYPES.includes(file.type)) return `${file.name}: only JPEG, PNG or WebP images are accepted.`;
  if (file.size > MAX_IMAGE_BYTES) return `${file.name}: larger than 5 MB.`;
  return null;
}
