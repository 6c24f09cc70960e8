import { type FormEvent, useState } from "react";
import { Button, Dialog, ErrorBanner, SuccessBanner, Textarea } from "@/components/ui";
import { useReportListing } from "@/hooks/trust";
import { ApiError } from "@/lib/errors";
import { REPORT_DETAILS_MAX, REPORT_REASONS } from "@/lib/trust";
import type { ReportReason } from "@/lib/types";

/** "Report this listing": a signed-in user tells the operator what is wrong with it. */
export function ReportListing({ materialId, title }: { materialId: string; title: string }) {
  const report = useReportListing(materialId);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<ReportReason | "">("");
  const [details, setDetails] = useState("");
  const [errors, setErrors] = useState<{ reason?: string; details?: string }>({});
  const serverErrors = report.error instanceof ApiError ? report.error.fieldErrors() : {};

  const close = () => {
    setOpen(false);
    report.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: typeof errors = {};
    if (!reason) problems.reason = "Choose what is wrong.";
    if (!details.trim()) problems.details = "Describe the problem.";
    else if (details.length > REPORT_DETAILS_MAX) problems.details = `At most ${REPORT_DETAILS_MAX} characters.`;
    setErrors(problems);
    if (problems.reason || problems.details || !reason) return;
    report.mutate({ reason, details: details.trim() }, { onSuccess: () => setOpen(false) });
  };

  if (report.isSuccess) return <SuccessBanner>Thank you. The FabricLoop operator will look at this listing.</SuccessBanner>;
  return (
    <>
      <Button variant="ghost" size="sm" className="text-stone-600" onClick={() => setOpen(true)}>
        <svg viewBox="0 0 20 20" fill="currentColor" className="size-4" aria-hidden="true">
          <path d="M3.5 2.75a.75.75 0 0 0-1.5 0v14.5a.75.75 0 0 0 1.5 0v-4.392l1.657-.348a6.449 6.449 0 0 1 4.271.572 7.948 7.948 0 0 0 5.965.524l2.078-.64A.75.75 0 0 0 18 12.25v-8.5a.75.75 0 0 0-.904-.734l-2.38.501a7.25 7.25 0 0 1-4.186-.363l-.502-.2a8.75 8.75 0 0 0-5.053-.439l-1.475.31V2.75Z" />
        </svg>
        Report this listing
      </Button>
      {open && (
        <Dialog title="Report this listing" description={`Tell the FabricLoop operator what is wrong with “${title}”. The seller does not see who reported it.`} onClose={close}>
          <form onSubmit={submit} noValidate className="space-y-4">
            <fieldset aria-describedby={errors.reason ? "report-reason-error" : undefined}>
              <legend className="mb-2 text-sm font-medium text-stone-700">What is wrong?</legend>
              <div className="space-y-2">
                {REPORT_REASONS.map((r, i) => (
                  <label key={r.value} className="flex cursor-pointer items-start gap-3 rounded-lg border border-stone-200 p-2.5 has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50">
                    <input type="radio" name="report-reason" value={r.value} checked={reason === r.value} onChange={() => setReason(r.value)} className="mt-1 accent-brand-700" autoFocus={i === 0} />
                    <span>
                      <span className="block text-sm font-medium text-stone-900">{r.label}</span>
                      <span className="block text-xs text-stone-600">{r.hint}</span>
                    </span>
                  </label>
                ))}
              </div>
              {(errors.reason ?? serverErrors.reason) && (
                <p id="report-reason-error" className="mt-1 text-xs font-medium text-red-600">
                  {errors.reason ?? serverErrors.reason}
                </p>
              )}
            </fieldset>
            <Textarea label="Details" required rows={4} maxLength={REPORT_DETAILS_MAX} value={details} onChange={(e) => setDetails(e.target.value)} error={errors.details ?? serverErrors.details} />
            {report.error && !Object.keys(serverErrors).length && <ErrorBanner error={report.error} title="Could not send the report" />}
            <div className="flex flex-wrap justify-end gap-2">
              <Button variant="secondary" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={report.isPending}>
                Send report
              </Button>
            </div>
          </form>
        </Dialog>
      )}
    </>
  );
}
