import { useEffect } from "react";

/** Set document.title for the current page ("… · FabricLoop"). */
export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · FabricLoop` : "FabricLoop — circular textiles marketplace";
  }, [title]);
}
