/**
 * Live updates: one Server-Sent Events stream per signed-in tab (GET /api/events, opened with a
 * one-time ticket since EventSource cannot send the Authorization header). New messages and
 * notifications refresh their queries at once; while the stream is down the queries poll.
 */
import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { useAuth } from "@/components/auth/auth-context";
import { call } from "@/lib/api";
import { setLiveConnected } from "@/lib/live";
import { messageKeys } from "./messages";
import { notificationKeys } from "./notifications";

const RETRY_MS = [1000, 3000, 10000, 30000];

/** Opens the stream while signed in; mount once (in the layout). */
export function useLiveEvents(): void {
  const { status } = useAuth();
  const qc = useQueryClient();
  useEffect(() => {
    if (status !== "authenticated" || typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;

    const open = async () => {
      try {
        const { ticket } = await call(() => api.POST("/api/events/ticket"));
        if (stopped) return;
        source = new EventSource(`/api/events?ticket=${encodeURIComponent(ticket)}`);
      } catch {
        return retry();
      }
      source.addEventListener("ready", () => {
        failures = 0;
        setLiveConnected(true);
        // Anything that happened while the stream was down.
        void qc.invalidateQueries({ queryKey: messageKeys.all });
        void qc.invalidateQueries({ queryKey: notificationKeys.all });
      });
      source.addEventListener("message", () => void qc.invalidateQueries({ queryKey: messageKeys.all }));
      // The other party read the caller's messages: the open thread shows "Read".
      source.addEventListener("messages_read", () => void qc.invalidateQueries({ queryKey: messageKeys.all }));
      source.addEventListener("notification", () => void qc.invalidateQueries({ queryKey: notificationKeys.all }));
      // The ticket is spent: reconnect with a new one rather than let EventSource retry with it.
      source.onerror = () => {
        source?.close();
        source = null;
        setLiveConnected(false);
        retry();
      };
    };
    const retry = () => {
      if (stopped) return;
      const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
      failures += 1;
      timer = setTimeout(() => void open(), delay);
    };

    void open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
      setLiveConnected(false);
    };
  }, [status, qc]);
}
