import { useEffect } from "react";
import { useBlocker } from "react-router";

const MESSAGE = "Leave this page? Your changes have not been saved.";

/**
 * While `dirty`, asks before the user leaves: a confirmation for a link or Back inside the app,
 * the browser's own prompt for a reload, a closed tab or another site.
 */
export function useLeaveWarning(dirty: boolean): void {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    if (window.confirm(MESSAGE)) blocker.proceed();
    else blocker.reset();
  }, [blocker]);
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty]);
}
