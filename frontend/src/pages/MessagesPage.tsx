import { MessagesLayout } from "@/components/messages/MessagesLayout";

export default function MessagesPage() {
  return (
    <MessagesLayout threadOpen={false}>
      <div className="flex flex-1 items-center justify-center p-8 text-center text-sm text-stone-500">
        Select a conversation to read and reply.
      </div>
    </MessagesLayout>
  );
}
