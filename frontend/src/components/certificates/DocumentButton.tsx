import { useMutation } from "@tanstack/react-query";
import { Button, ErrorBanner } from "@/components/ui";
import { downloadWithAuth } from "@/lib/download";
import type { DocumentRef } from "@/lib/types";

/** Download a stored document (its owner's or the operator's token), e.g. a certificate's evidence. */
export function DocumentButton({ document: d, label = "Download document" }: { document: DocumentRef; label?: string }) {
  const download = useMutation({ mutationFn: () => downloadWithAuth(d.download_url, d.filename ?? "document") });
  return (
    <div className="space-y-2">
      <Button variant="secondary" size="sm" loading={download.isPending} onClick={() => download.mutate()}>
        {label}
        {d.filename && <span className="sr-only">: {d.filename}</span>}
      </Button>
      {download.error && <ErrorBanner error={download.error} title="Could not download the document" />}
    </div>
  );
}
