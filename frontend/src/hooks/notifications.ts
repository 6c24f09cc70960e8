import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/api/client";
import { useAuth } from "@/components/auth/auth-context";
import { call } from "@/lib/api";
import { useLiveConnected } from "@/lib/live";
import { POLL_MS } from "./messages";

export const notificationKeys = {
  all: ["notifications"] as const,
  page: (page: number, limit: number) => ["notifications", "page", page, limit] as const,
  settings: () => ["notification-settings"] as const,
};

/** A page of the caller's notifications (unread first) with the unread count; polls while the live stream is down. */
export function useNotifications(page: number, limit: number) {
  const { status } = useAuth();
  const live = useLiveConnected();
  return useQuery({
    queryKey: notificationKeys.page(page, limit),
    queryFn: () => call(() => api.GET("/api/notifications", { params: { query: { page, limit } } })),
    enabled: status === "authenticated",
    refetchInterval: live ? false : POLL_MS * 4,
    placeholderData: keepPreviousData,
  });
}

export function useMarkNotificationsRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids?: string[]) => call(() => api.POST("/api/notifications/read", { body: ids ? { notification_ids: ids } : {} })),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useNotificationSettings() {
  return useQuery({
    queryKey: notificationKeys.settings(),
    queryFn: () => call(() => api.GET("/api/account/notification-settings")),
  });
}

export function useUpdateNotificationSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (email: Record<string, boolean>) => call(() => api.PUT("/api/account/notification-settings", { body: { email } })),
    onSuccess: (data) => qc.setQueryData(notificationKeys.settings(), data),
  });
}
