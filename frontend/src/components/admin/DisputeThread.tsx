import { type FormEvent, useState } from "react";
import { Badge, Button, ErrorBanner, Textarea, type Tone } from "@/components/ui";
import { useDisputeMessage } from "@/hooks/admin";
import { formatDateTime, humanize } from "@/lib/format";
import type { Dispute } from "@/lib/types";

const ROLE_TONES: Record<string, Tone> = { buyer: "blue", seller: "violet", operator: "brand" };

/** The dispute's thread, oldest first, and the operator's reply while it is open. */
export function DisputeThread({ dispute }: { dispute: Dispute }) {
  const send = useDisputeMessage(dispute.dispute_id);
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setProblem("Write a message first.");
    setProblem(null);
    send.mutate(text.trim(), { onSuccess: () => setText("") });
  };
  return (
    <div className="space-y-4">
      {dispute.messages.length === 0 ? (
        <p className="text-sm text-stone-600">No messages yet.</p>
      ) : (
        <ol className="space-y-3">
          {dispute.messages.map((m) => (
            <li key={m.message_id} className="rounded-xl border border-stone-200 bg-stone-50 px-4 py-3">
              <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-stone-500">
                <Badge tone={ROLE_TONES[m.author_role] ?? "neutral"}>{humanize(m.author_role)}</Badge>
                <time dateTime={m.created_at}>{formatDateTime(m.created_at)}</time>
              </div>
              <p className="whitespace-pre-line break-words text-sm text-stone-800">{m.content}</p>
            </li>
          ))}
        </ol>
      )}
      {dispute.status === "open" && (
        <form onSubmit={submit} noValidate className="space-y-2">
          <Textarea label="Write to the buyer and seller" value={text} onChange={(e) => setText(e.target.value)} rows={3} maxLength={5000} error={problem} />
          {send.error && <ErrorBanner error={send.error} title="Could not send the message" />}
          <Button type="submit" variant="secondary" loading={send.isPending}>
            Send message
          </Button>
        </form>
      )}
    </div>
  );
}
