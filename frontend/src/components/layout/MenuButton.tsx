import { useEffect, useRef } from "react";
import { useUnreadCount } from "@/hooks/messages";

/**
 * The phone menu's toggle. While the menu is closed it shows the unread message count (so it
 * does not hide inside the menu); while open, Escape closes it and puts focus back on it.
 */
export function MenuButton({ open, onToggle, onClose, signedIn }: { open: boolean; onToggle: () => void; onClose: () => void; signedIn: boolean }) {
  const button = useRef<HTMLButtonElement>(null);
  const unread = useUnreadCount();
  const count = signedIn ? (unread.data?.unread_count ?? 0) : 0;
  useEffect(() => {
    if (!open) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      onClose();
      button.current?.focus();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [open, onClose]);
  const shown = count > 99 ? "99+" : String(count);
  const label = open ? "Close menu" : count > 0 ? `Open menu, ${shown} unread message${count === 1 ? "" : "s"}` : "Open menu";
  return (
    <button
      ref={button}
      type="button"
      className="relative ml-auto inline-flex size-10 items-center justify-center rounded-lg text-stone-700 hover:bg-stone-100 lg:hidden"
      aria-expanded={open}
      aria-controls="mobile-nav"
      aria-label={label}
      onClick={onToggle}
    >
      <svg viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
        {open ? <path d="M6 6l12 12M18 6 6 18" strokeLinecap="round" /> : <path d="M4 7h16M4 12h16M4 17h16" strokeLinecap="round" />}
      </svg>
      {!open && count > 0 && (
        <span aria-hidden="true" className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-brand-700 px-1 text-center text-[11px] font-semibold leading-5 text-white">
          {shown}
        </span>
      )}
    </button>
  );
}
