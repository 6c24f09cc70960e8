import { useParams } from "react-router";
import { MessagesLayout } from "@/components/messages/MessagesLayout";
import { Thread } from "@/components/messages/Thread";
import { usePageTitle } from "@/lib/usePageTitle";

export default function ConversationPage() {
  const { userId = "" } = useParams();
  usePageTitle("Conversation");
  return (
    <MessagesLayout threadOpen>
      <Thread key={userId} userId={userId} />
    </MessagesLayout>
  );
}
