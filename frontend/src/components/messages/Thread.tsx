import { useEffect, useRef } from "react";
import { Link, useLocation, useSearchParams } from "react-router";
import { api } from "@/api/client";
import { BlockSpinner, QueryState, cx } from "@/components/ui";
import { useAuth } from "@/hooks/auth";
import { useConversations, useThread } from "@/hooks/messages";
import { useResettableState } from "@/hooks/useResettableState";
import { call } from "@/lib/api";
import { errorMessage } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import type { Message } from "@/lib/types";
import { Composer } from "./Composer";

const PAGE = 50;

export function Thread({ userId }: { userId: string }) {
  const { user } = useAuth();
  const [params] = useSearchParams();
  // Callers may pass who this is and which material it is about (a first conversation has no list entry).
  const hint = (useLocation().state ?? null) as { name?: string; materialTitle?: string } | null;
  const thread = useThread(userId, PAGE);
  const conversations = useConversations();
  // Older pages loaded by hand, per conversation.
  const [older, setOlder] = useResettableState<Message[]>(userId, () => []);
  const [olderState, setOlderState] = useResettableState<{ loading: boolean; done: boolean; error: string | null }>(userId, () => ({ loading: false, done: false, error: null }));
  const scroller = useRef<HTMLDivElement>(null);
  const latest = thread.data?.messages ?? [];
  const ids = new Set(latest.map((m) => m.message_id));
  const messages = [...older.filter((m) => !ids.has(m.message_id)), ...latest];
  const lastId = latest[latest.length - 1]?.message_id;

  // Keep the newest message in view (scroll the message pane, never the page).
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastId]);

  const name = conversations.data?.conversations.find((c) => c.user_id === userId)?.company_name ?? hint?.name;
  const contextMaterial = params.get("material") ? { material_id: params.get("material")!, title: hint?.materialTitle ?? "" } : [...messages].reverse().find((m) => m.material)?.material;

  const loadOlder = async () => {
    const first = messages[0];
    if (!first) return;
    setOlderState((s) => ({ ...s, loading: true, error: null }));
    try {
      const res = await call(() => api.GET("/api/messages/{user_id}", { params: { path: { user_id: userId }, query: { before: first.message_id, limit: PAGE } } }));
      setOlder((o) => [...res.messages, ...o]);
      setOlderState({ loading: false, done: !res.has_more, error: null });
    } catch (e) {
      setOlderState({ loading: false, done: false, error: errorMessage(e) });
    }
  };

  return (
    <>
      <header className="flex items-center gap-3 border-b border-stone-200 px-4 py-3">
        <Link to="/messages" className="rounded-md p-1 text-stone-600 hover:bg-stone-100 md:hidden" aria-label="Back to conversations">
          ←
        </Link>
        <div className="min-w-0">
          <h2 className="truncate text-base font-semibold text-stone-900">{name ?? "Conversation"}</h2>
          {contextMaterial && (
            <p className="truncate text-xs text-stone-500">
              About:{" "}
              <Link to={`/materials/${contextMaterial.material_id}`} className="text-brand-700 hover:underline">
                {contextMaterial.title || "this material"}
              </Link>
            </p>
          )}
        </div>
      </header>
      <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto bg-stone-50 px-4 py-4" aria-live="polite">
        <QueryState
          query={thread}
          loading={<BlockSpinner label="Loading messages" />}
          errorTitle="Could not load messages"
          isEmpty={() => messages.length === 0}
          empty={<p className="p-8 text-center text-sm text-stone-500">No messages yet. Say hello below.</p>}
        >
          {() => (
            <ol className="space-y-3">
              {(older.length ? !olderState.done : Boolean(thread.data?.has_more)) && (
                <li className="text-center">
                  <button type="button" onClick={() => void loadOlder()} className="text-sm font-medium text-brand-700 hover:underline" disabled={olderState.loading}>
                    {olderState.loading ? "Loading…" : "Load older messages"}
                  </button>
                  {olderState.error && <p className="text-xs text-red-600">{olderState.error}</p>}
                </li>
              )}
              {messages.map((m) => {
                const mine = m.sender_id === user?.user_id;
                return (
                  <li key={m.message_id} className={cx("flex", mine ? "justify-end" : "justify-start")}>
                    <div className={cx("max-w-[85%] rounded-2xl px-4 py-2 text-sm shadow-sm sm:max-w-[70%]", mine ? "rounded-br-sm bg-brand-700 text-white" : "rounded-bl-sm bg-white text-stone-900")}>
                      {m.material && (
                        <Link to={`/materials/${m.material.material_id}`} className={cx("mb-1 block truncate text-xs underline-offset-2 hover:underline", mine ? "text-brand-100" : "text-brand-700")}>
                          Re: {m.material.title}
                        </Link>
                      )}
                      <p className="whitespace-pre-wrap break-words">{m.content}</p>
                      <p className={cx("mt-1 text-[11px]", mine ? "text-brand-100" : "text-stone-600")}>
                        {formatDateTime(m.sent_at)}
                        {mine && m.read_at ? " · Read" : ""}
                      </p>
                    </div>
                  </li>
                );
              })}
            </ol>
          )}
        </QueryState>
      </div>
      <Composer recipientId={userId} materialId={contextMaterial?.material_id ?? null} />
    </>
  );
}
