import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { useAuth } from "@/components/auth/auth-context";
import { call } from "@/lib/api";
import { useLiveConnected } from "@/lib/live";
import type { MessageBody } from "@/lib/types";

export const POLL_MS = 4000;

/** Poll only while the live stream is down (it pushes new messages otherwise). */
function usePollInterval(enabled = true): number | false {
  const live = useLiveConnected();
  return enabled && !live ? POLL_MS : false;
}

export const messageKeys = {
  all: ["messages"] as const,
  unread: () => ["messages", "unread"] as const,
  conversations: () => ["messages", "conversations"] as const,
  thread: (userId: string, limit: number) => ["messages", "thread", userId, limit] as const,
};

export function useUnreadCount() {
  const { status } = useAuth();
  return useQuery({
    queryKey: messageKeys.unread(),
    queryFn: () => call(() => api.GET("/api/messages/unread-count")),
    enabled: status === "authenticated",
    refetchInterval: usePollInterval(),
  });
}

export function useConversations(options: { poll?: boolean } = {}) {
  const refetchInterval = usePollInterval(options.poll !== false);
  return useQuery({
    queryKey: messageKeys.conversations(),
    queryFn: () => call(() => api.GET("/api/messages/conversations")),
    refetchInterval,
  });
}

/** The latest `limit` messages with a user (oldest first); polled. Reading marks them read. */
export function useThread(userId: string | undefined, limit: number) {
  const qc = useQueryClient();
  const queryKey = messageKeys.thread(userId ?? "", limit);
  const refetchInterval = usePollInterval();
  return useQuery({
    queryKey,
    queryFn: async () => {
      const previous = qc.getQueryData<{ messages: Array<{ message_id: string }> }>(queryKey);
      const data = await call(() => api.GET("/api/messages/{user_id}", { params: { path: { user_id: userId! }, query: { limit } } }));
      void qc.invalidateQueries({ queryKey: messageKeys.unread() });
      // Opening the thread or receiving in it marks messages read: the list's badges change too.
      const lastId = (d: typeof previous) => d?.messages[d.messages.length - 1]?.message_id;
      if (lastId(previous) !== lastId(data)) void qc.invalidateQueries({ queryKey: messageKeys.conversations() });
      return data;
    },
    enabled: Boolean(userId),
    refetchInterval,
  });
}

export function useSendMessage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MessageBody) => call(() => api.POST("/api/messages", { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: messageKeys.all }),
  });
}
