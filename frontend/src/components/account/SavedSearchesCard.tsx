import { Link } from "react-router";
import { Badge, Button, Card, CardBody, CardHeader, ErrorBanner, QueryState } from "@/components/ui";
import { searchPathOf, useDeleteSavedSearch, useSavedSearches } from "@/hooks/savedSearches";
import { formatDate } from "@/lib/format";

/** The user's saved searches: open one, see whether it alerts, delete it. */
export function SavedSearchesCard() {
  const list = useSavedSearches();
  const remove = useDeleteSavedSearch();
  return (
    <Card>
      <div id="saved-searches">
        <CardHeader title="Saved searches" description="Searches you saved from the materials page; those with alerts notify you of new matching listings." />
      </div>
      <CardBody className="space-y-3">
        {remove.error && <ErrorBanner error={remove.error} title="Could not delete the search" />}
        <QueryState query={list} errorTitle="Could not load your saved searches">
          {(data) =>
            data.saved_searches.length === 0 ? (
              <p className="text-sm text-stone-600">
                None yet. On the{" "}
                <Link to="/materials" className="font-medium text-brand-700 underline">
                  materials page
                </Link>
                , choose filters, then “Save this search”.
              </p>
            ) : (
              <ul className="divide-y divide-stone-100">
                {data.saved_searches.map((s) => (
                  <li key={s.saved_search_id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                    <div className="min-w-0">
                      <Link to={searchPathOf(s.query)} className="font-medium text-brand-700 hover:underline">
                        {s.name}
                      </Link>
                      <p className="text-xs text-stone-500">Saved {formatDate(s.created_at)}</p>
                    </div>
                    <div className="flex items-center gap-2">
                      {s.alert ? <Badge tone="brand">Alerts on</Badge> : <Badge>No alerts</Badge>}
                      <Button
                        variant="ghost"
                        size="sm"
                        loading={remove.isPending && remove.variables === s.saved_search_id}
                        onClick={() => remove.mutate(s.saved_search_id)}
                        aria-label={`Delete the saved search ${s.name}`}
                      >
                        Delete
                      </Button>
                    </div>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryState>
      </CardBody>
    </Card>
  );
}
