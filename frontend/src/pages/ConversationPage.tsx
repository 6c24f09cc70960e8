import { useParams } from "react-router";
import { MessagesLayout } from "@/components/messages/MessagesLayout";
import { Thread } from "@/components/messages/Thread";

export default function ConversationPage() {
  const { userId = "" } = useParams();
  return (
    <MessagesLayout threadOpen>
      <Thread key={userId} userId={userId} />
    </MessagesLayout>
  );
}
