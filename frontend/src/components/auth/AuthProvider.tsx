import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { api, mayHaveSession, onTokenChange, refreshSession, setAccessToken, setUnauthorizedHandler } from "@/api/client";
import { call } from "@/lib/api";
import type { Me } from "@/lib/types";
import { AuthContext, type AuthContextValue, type AuthStatus } from "./auth-context";

async function fetchMe(): Promise<Me> {
  return call(() => api.GET("/api/auth/me"));
}

let restoring: Promise<Me | null> | null = null;

/** Restore the session from the refresh cookie, once per page load. */
function restoreSession(): Promise<Me | null> {
  restoring ??= (async () => {
    if (!mayHaveSession()) return null;
    const pair = await refreshSession();
    if (!pair) return null;
    try {
      return await fetchMe();
    } catch {
      setAccessToken(null);
      return null;
    }
  })();
  return restoring;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  // A visitor who has never signed in here is anonymous from the first render: no second
  // render of every page once the (immediate) restore says so.
  const [status, setStatus] = useState<AuthStatus>(() => (mayHaveSession() ? "loading" : "anonymous"));
  const [user, setUser] = useState<Me | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const statusRef = useRef(status);
  useEffect(() => {
    statusRef.current = status;
  }, [status]);

  useEffect(() => {
    let cancelled = false;
    void restoreSession().then((me) => {
      if (cancelled) return;
      setUser(me);
      setStatus(me ? "authenticated" : "anonymous");
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const [notice, setNotice] = useState<string | null>(null);
  const endSession = useCallback(
    (why?: string) => {
      setNotice(why ?? null);
      setAccessToken(null);
      setUser(null);
      setStatus("anonymous");
      queryClient.clear();
    },
    [queryClient],
  );

  // The token was cleared by the client (refresh failed): drop local state too.
  useEffect(
    () =>
      onTokenChange((token) => {
        if (token === null && statusRef.current === "authenticated") {
          setUser(null);
          setStatus("anonymous");
          queryClient.clear();
        }
      }),
    [queryClient],
  );

  useEffect(() => {
    setUnauthorizedHandler(() => {
      const here = window.location.pathname + window.location.search;
      if (window.location.pathname !== "/login") void navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate]);

  const startSession = useCallback(async (token: string) => {
    setAccessToken(token);
    setNotice(null);
    const me = await fetchMe();
    setUser(me);
    setStatus("authenticated");
    return me;
  }, []);

  const reloadUser = useCallback(async () => {
    setUser(await fetchMe());
  }, []);

  const value = useMemo<AuthContextValue>(() => ({ status, user, startSession, endSession, reloadUser, notice }), [status, user, startSession, endSession, reloadUser, notice]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
