import { Link, NavLink, useLocation } from "react-router";
import { isAdmin } from "@/components/auth/auth-context";
import { useAuth, useSignOut } from "@/hooks/auth";
import { useUnreadCount } from "@/hooks/messages";
import { useResettableState } from "@/hooks/useResettableState";
import { NotificationBell } from "@/components/notifications/NotificationBell";
import { ButtonLink, CountBadge, cx } from "@/components/ui";
import { Logo } from "./Logo";
import { MenuButton } from "./MenuButton";

const navClass = ({ isActive }: { isActive: boolean }) =>
  cx(
    "inline-flex items-center gap-1.5 whitespace-nowrap rounded-lg px-3 py-2 text-sm font-medium transition-colors",
    isActive ? "bg-brand-50 text-brand-800" : "text-stone-600 hover:bg-stone-100 hover:text-stone-900",
  );

function MessagesLink({ onClick }: { onClick?: () => void }) {
  const unread = useUnreadCount();
  const count = unread.data?.unread_count ?? 0;
  return (
    <NavLink to="/messages" className={navClass} onClick={onClick}>
      Messages
      <CountBadge count={count} label={`${count} unread messages`} />
    </NavLink>
  );
}

export function Header() {
  const { status, user } = useAuth();
  const { signOut: onLogout } = useSignOut();
  const location = useLocation();
  // The phone menu closes when the page changes.
  const [open, setOpen] = useResettableState(location.pathname, () => false);
  const close = () => setOpen(false);

  const signedIn = status === "authenticated" && user;
  const links = (
    <>
      <NavLink to="/materials" end className={navClass} onClick={close}>
        Materials
      </NavLink>
      {signedIn && (
        <>
          <NavLink to="/dashboard" className={navClass} onClick={close}>
            Dashboard
          </NavLink>
          <NavLink to="/transactions" className={navClass} onClick={close}>
            Orders
          </NavLink>
          <NavLink to="/offers" className={navClass} onClick={close}>
            Offers
          </NavLink>
          <MessagesLink onClick={close} />
          <NavLink to="/reports" className={navClass} onClick={close}>
            Reports
          </NavLink>
          {isAdmin(user) && (
            <NavLink to="/admin" className={navClass} onClick={close}>
              Operator
            </NavLink>
          )}
        </>
      )}
    </>
  );

  return (
    <header className="sticky top-0 z-30 border-b border-stone-200 bg-white/90 backdrop-blur">
      <div className="mx-auto flex h-16 max-w-7xl items-center gap-4 px-4 sm:px-6">
        <Logo to={signedIn ? "/dashboard" : "/"} />
        <nav aria-label="Main" className="ml-2 hidden items-center gap-0.5 lg:flex xl:ml-4 xl:gap-1">
          {links}
        </nav>
        <div className="ml-auto hidden items-center gap-2 lg:flex">
          {signedIn ? (
            <>
              <NotificationBell />
              {user.role === "manufacturer" && (
                <span className="hidden xl:block">
                  <ButtonLink to="/materials/new" size="sm">
                    + List material
                  </ButtonLink>
                </span>
              )}
              <NavLink to="/account" className={navClass} title={`${user.company_name} (${user.email})`} aria-label={`Account: ${user.company_name}`}>
                <span className="max-w-32 truncate xl:max-w-48">{user.company_name}</span>
              </NavLink>
              <button type="button" onClick={onLogout} className="whitespace-nowrap rounded-lg px-3 py-2 text-sm font-medium text-stone-600 hover:bg-stone-100">
                Log out
              </button>
            </>
          ) : status === "anonymous" ? (
            <>
              <Link to="/login" className="rounded-lg px-3 py-2 text-sm font-medium text-stone-700 hover:bg-stone-100">
                Log in
              </Link>
              <ButtonLink to="/register" size="sm">
                Create account
              </ButtonLink>
            </>
          ) : null}
        </div>
        {signedIn && (
          <span className="ml-auto lg:hidden">
            <NotificationBell />
          </span>
        )}
        <MenuButton open={open} onToggle={() => setOpen((o) => !o)} onClose={close} signedIn={Boolean(signedIn)} />
      </div>
      {open && (
        <nav id="mobile-nav" aria-label="Mobile" className="border-t border-stone-200 bg-white px-4 py-3 lg:hidden">
          <div className="flex flex-col gap-1">
            {links}
            {signedIn ? (
              <>
                {user.role === "manufacturer" && (
                  <NavLink to="/materials/new" className={navClass} onClick={close}>
                    + List material
                  </NavLink>
                )}
                <NavLink to="/account" className={navClass} onClick={close}>
                  Account ({user.company_name})
                </NavLink>
                <button type="button" onClick={onLogout} className="rounded-lg px-3 py-2 text-left text-sm font-medium text-stone-600 hover:bg-stone-100">
                  Log out
                </button>
              </>
            ) : (
              <>
                <NavLink to="/login" className={navClass} onClick={close}>
                  Log in
                </NavLink>
                <NavLink to="/register" className={navClass} onClick={close}>
                  Create account
                </NavLink>
              </>
            )}
          </div>
        </nav>
      )}
    </header>
  );
}
