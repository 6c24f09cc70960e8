import { NavLink } from "react-router";
import { cx } from "@/components/ui";
import { useNotifications } from "@/hooks/notifications";
import { useLiveConnected } from "@/lib/live";

/** The header's bell: unread notifications at a glance, on every screen width. */
export function NotificationBell({ className }: { className?: string }) {
  const { data } = useNotifications(1, 1);
  const count = data?.unread_count ?? 0;
  const live = useLiveConnected();
  const shown = count > 99 ? "99+" : String(count);
  // The name holds the badge's text as shown, so that it matches what a sighted user reads.
  const label = count > 0 ? `Notifications, ${shown} unread` : "Notifications";
  return (
    <NavLink
      to="/notifications"
      aria-label={label}
      title={label}
      data-live={live ? "on" : "off"}
      className={({ isActive }) =>
        cx(
          "relative inline-flex size-10 items-center justify-center rounded-lg transition-colors",
          isActive ? "bg-brand-50 text-brand-800" : "text-stone-600 hover:bg-stone-100 hover:text-stone-900",
          className,
        )
      }
    >
      <svg viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {count > 0 && (
        <span
          data-testid="notification-count"
          aria-hidden="true"
          className="absolute -right-0.5 -top-0.5 inline-flex min-w-5 items-center justify-center rounded-full bg-red-600 px-1 text-[11px] font-semibold leading-5 text-white"
        >
          {shown}
        </span>
      )}
    </NavLink>
  );
}
