import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { Button, ErrorBanner, Input } from "@/components/ui";
import { type SavedQuery, savedQueryOf, useSaveSearch } from "@/hooks/savedSearches";

/** "Save this search", with an alert of new matching listings (signed-in users). */
export function SaveSearch({ query, suggestedName }: { query: SavedQuery; suggestedName: string }) {
  const save = useSaveSearch();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(suggestedName);
  const [alert, setAlert] = useState(true);
  const [nameError, setNameError] = useState<string | null>(null);

  if (save.isSuccess && !open) {
    return (
      <p role="status" className="text-sm text-stone-600">
        Search saved{save.variables?.alert ? ": you will be notified of new matches" : ""}.{" "}
        <Link to="/account#saved-searches" className="font-medium text-brand-700 underline">
          Saved searches
        </Link>
      </p>
    );
  }
  if (!open) {
    return (
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Save this search
      </Button>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setNameError("Give the search a name.");
    setNameError(null);
    save.mutate({ name: trimmed, query: savedQueryOf(query), alert }, { onSuccess: () => setOpen(false) });
  };
  return (
    <form onSubmit={submit} noValidate className="w-full space-y-3 rounded-2xl border border-stone-200 bg-white p-4">
      {save.error && <ErrorBanner error={save.error} title="Could not save the search" />}
      <Input label="Name of the search" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} error={nameError} required />
      <label className="flex items-center gap-2 text-sm text-stone-700">
        <input type="checkbox" checked={alert} onChange={(e) => setAlert(e.target.checked)} className="size-4 rounded border-stone-300" />
        Notify me of new listings that match
      </label>
      <div className="flex gap-2">
        <Button type="submit" size="sm" loading={save.isPending}>
          Save
        </Button>
        <Button variant="ghost" size="sm" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
