import { NavLink } from "react-router";
import { CountBadge, EmptyState, BlockSpinner, QueryState, cx } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useConversations } from "@/hooks/messages";
import { formatRelative } from "@/lib/format";

export function ConversationList() {
  const { user } = useAuth();
  const q = useConversations();
  return (
    <QueryState
      query={q}
      loading={<BlockSpinner label="Loading conversations" />}
      errorTitle="Could not load conversations"
      errorClassName="m-3"
      isEmpty={(d) => d.conversations.length === 0}
      empty={<EmptyState className="m-3 border-0" title="No conversations yet" description="Contact a seller from a material page to start one." />}
    >
      {(data) => (
        <ul className="divide-y divide-stone-100" aria-label="Conversations">
          {data.conversations.map((c) => (
            <li key={c.user_id}>
              <NavLink to={`/messages/${c.user_id}`} className={({ isActive }) => cx("block px-4 py-3 transition-colors hover:bg-stone-50", isActive && "bg-brand-50 hover:bg-brand-50")}>
                <div className="flex items-center justify-between gap-2">
                  <span className={cx("truncate text-sm", c.unread_count > 0 ? "font-semibold text-stone-900" : "font-medium text-stone-800")}>{c.company_name}</span>
                  <span className="flex shrink-0 items-center gap-2">
                    <span className="text-xs text-stone-600">{formatRelative(c.last_message?.sent_at ?? c.updated_at)}</span>
                    <CountBadge count={c.unread_count} label={`${c.unread_count} unread`} />
                  </span>
                </div>
                {c.last_message && (
                  <p className={cx("mt-0.5 truncate text-sm", c.unread_count > 0 ? "text-stone-800" : "text-stone-600")}>
                    {c.last_message.sender_id === user?.user_id ? "You: " : ""}
                    {c.last_message.content}
                  </p>
                )}
              </NavLink>
            </li>
          ))}
        </ul>
      )}
    </QueryState>
  );
}
