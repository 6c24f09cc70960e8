import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { Button, ErrorBanner, SuccessBanner, Textarea } from "@/components/ui";
import { useSendMessage } from "@/hooks/messages";
import { ApiError } from "@/lib/errors";
import { endSentence } from "@/lib/format";

interface Props {
  sellerId: string;
  sellerName: string;
  materialId: string;
  materialTitle: string;
}

export function ContactSeller({ sellerId, sellerName, materialId, materialTitle }: Props) {
  const send = useSendMessage();
  const [content, setContent] = useState(`Hello ${sellerName}, I'm interested in "${materialTitle}". `);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const text = content.trim();
    if (!text) return setError("Write a message first.");
    if (content.length > 5000) return setError("At most 5000 characters.");
    setError(null);
    send.mutate(
      { recipient_id: sellerId, material_id: materialId, content },
      {
        onError: (err) => {
          if (err instanceof ApiError) setError(err.fieldErrors().content ?? null);
        },
      },
    );
  };

  if (send.isSuccess) {
    return (
      <SuccessBanner>
        Message sent to {endSentence(sellerName)}{" "}
        <Link to={`/messages/${sellerId}`} state={{ name: sellerName }} className="font-medium underline">
          Open the conversation
        </Link>
      </SuccessBanner>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      {send.error && !error && <ErrorBanner error={send.error} title="Message not sent" />}
      <Textarea label={`Message ${sellerName}`} rows={4} value={content} onChange={(e) => setContent(e.target.value)} error={error} maxLength={5000} />
      <Button type="submit" variant="secondary" className="w-full" loading={send.isPending}>
        Send message
      </Button>
    </form>
  );
}
