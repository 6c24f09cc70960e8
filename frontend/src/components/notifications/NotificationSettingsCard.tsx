import { Card, CardBody, CardHeader, ErrorBanner, Spinner } from "@/components/ui";
import { useNotificationSettings, useUpdateNotificationSettings } from "@/hooks/notifications";
import { humanize } from "@/lib/format";

/** One checkbox per notification kind: whether it is also emailed. */
export function NotificationSettingsCard() {
  const settings = useNotificationSettings();
  const update = useUpdateNotificationSettings();
  const email = settings.data?.email ?? {};
  return (
    <Card>
      <CardHeader title="Email notifications" description="Every notification appears under the bell; choose which are also emailed to you." />
      <CardBody className="space-y-3">
        {settings.error && <ErrorBanner error={settings.error} title="Could not load your settings" />}
        {update.error && <ErrorBanner error={update.error} title="Could not save" />}
        {settings.isPending ? (
          <Spinner />
        ) : (
          <fieldset className="grid gap-2 sm:grid-cols-2">
            <legend className="sr-only">Email me about</legend>
            {Object.entries(email).map(([kind, on]) => (
              <label key={kind} className="flex items-center gap-2 text-sm text-stone-700">
                <input
                  type="checkbox"
                  className="size-4 rounded border-stone-300 text-brand-700"
                  checked={on}
                  disabled={update.isPending}
                  onChange={(e) => update.mutate({ [kind]: e.target.checked })}
                />
                {humanize(kind)}
              </label>
            ))}
          </fieldset>
        )}
      </CardBody>
    </Card>
  );
}
