import { type FormEvent, type KeyboardEvent, useState } from "react";
import { Button } from "@/components/ui";
import { useSendMessage } from "@/hooks/messages";
import { ApiError, errorMessage } from "@/lib/errors";

export function Composer({ recipientId, materialId }: { recipientId: string; materialId: string | null }) {
  const send = useSendMessage();
  const [content, setContent] = useState("");
  const [error, setError] = useState<string | null>(null);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!content.trim()) return setError("Write a message first.");
    if (content.length > 5000) return setError("At most 5000 characters.");
    setError(null);
    send.mutate(
      { recipient_id: recipientId, content, ...(materialId ? { material_id: materialId } : {}) },
      {
        onSuccess: () => setContent(""),
        onError: (err) => setError(err instanceof ApiError ? (err.fieldErrors().content ?? err.message) : errorMessage(err)),
      },
    );
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form onSubmit={submit} noValidate className="border-t border-stone-200 p-3">
      {error && (
        <p role="alert" className="mb-2 text-sm font-medium text-red-600">
          {error}
        </p>
      )}
      <div className="flex items-end gap-2">
        <label htmlFor="composer" className="sr-only">
          Your message
        </label>
        <textarea
          id="composer"
          rows={2}
          value={content}
          maxLength={5000}
          onChange={(e) => setContent(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Write a message… (Enter to send, Shift+Enter for a new line)"
          className="block max-h-40 min-h-10 flex-1 resize-y rounded-lg border border-stone-300 px-3 py-2 text-sm focus:border-brand-600 focus:outline-2 focus:outline-brand-600/30"
        />
        <Button type="submit" loading={send.isPending}>
          Send
        </Button>
      </div>
    </form>
  );
}
