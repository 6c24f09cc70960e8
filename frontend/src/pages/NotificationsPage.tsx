import { useState } from "react";
import { useNavigate } from "react-router";
import { Button, cx, EmptyState, ErrorBanner, ListSkeleton, PageHeader, Pagination } from "@/components/ui";
import { useMarkNotificationsRead, useNotifications } from "@/hooks/notifications";
import { formatRelative } from "@/lib/format";
import { usePageTitle } from "@/lib/usePageTitle";

const LIMIT = 20;

export default function NotificationsPage() {
  usePageTitle("Notifications");
  const [page, setPage] = useState(1);
  const navigate = useNavigate();
  const list = useNotifications(page, LIMIT);
  const markRead = useMarkNotificationsRead();
  const unread = list.data?.unread_count ?? 0;

  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader
        title="Notifications"
        description={unread > 0 ? `${unread} unread` : "You are up to date."}
        actions={
          <Button variant="secondary" size="sm" disabled={unread === 0} loading={markRead.isPending} onClick={() => markRead.mutate(undefined)}>
            Mark all read
          </Button>
        }
      />
      {list.error && <ErrorBanner error={list.error} title="Could not load notifications" />}
      {markRead.error && <ErrorBanner error={markRead.error} title="Could not mark as read" />}
      {list.isPending ? (
        <ListSkeleton label="Loading notifications" />
      ) : list.data && list.data.notifications.length === 0 ? (
        <EmptyState title="No notifications yet" description="Messages, orders and other news about your account will appear here." />
      ) : (
        <ul className="divide-y divide-stone-200 overflow-hidden rounded-2xl border border-stone-200 bg-white">
          {list.data?.notifications.map((n) => (
            <li key={n.notification_id}>
              <button
                type="button"
                className={cx("flex w-full gap-3 px-4 py-3 text-left hover:bg-stone-50", !n.read_at && "bg-brand-50/40")}
                onClick={() => {
                  if (!n.read_at) markRead.mutate([n.notification_id]);
                  if (n.link) void navigate(n.link);
                }}
              >
                <span className={cx("mt-1.5 size-2 shrink-0 rounded-full", n.read_at ? "bg-transparent" : "bg-brand-600")} aria-hidden="true" />
                <span className="min-w-0 flex-1">
                  <span className="flex flex-wrap items-baseline justify-between gap-2">
                    <span className={cx("text-sm text-stone-900", !n.read_at && "font-semibold")}>
                      {n.title}
                      {!n.read_at && <span className="sr-only"> (unread)</span>}
                    </span>
                    <time dateTime={n.created_at} className="text-xs text-stone-500">
                      {formatRelative(n.created_at)}
                    </time>
                  </span>
                  <span className="mt-0.5 block whitespace-pre-line break-words text-sm text-stone-600">{n.body}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {list.data && <Pagination page={page} limit={LIMIT} total={list.data.total} onPageChange={setPage} />}
    </div>
  );
}
