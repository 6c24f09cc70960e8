import { MessagesLayout } from "@/components/messages/MessagesLayout";
import { usePageTitle } from "@/lib/usePageTitle";

export default function MessagesPage() {
  usePageTitle("Messages");
  return (
    <MessagesLayout threadOpen={false}>
      <div className="flex flex-1 items-center justify-center p-8 text-center text-sm text-stone-500">Select a conversation to read and reply.</div>
    </MessagesLayout>
  );
}
