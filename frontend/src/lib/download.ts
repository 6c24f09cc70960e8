import { authFetch } from "@/api/client";
import { toApiError } from "./errors";

function filenameFrom(res: Response, fallback: string): string {
  const cd = res.headers.get("Content-Disposition") ?? "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain?.[1] ?? fallback;
}

/** Download an authenticated file: fetch with the bearer token, then save the blob. */
export async function downloadWithAuth(url: string, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await authFetch(url);
  } catch {
    throw toApiError(undefined, undefined);
  }
  if (!res.ok) {
    let body: unknown = undefined;
    try {
      body = await res.json();
    } catch {
      /* not JSON */
    }
    throw toApiError(res, body);
  }
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = filenameFrom(res, fallbackName);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}
