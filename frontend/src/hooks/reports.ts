import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/api/client";
import { call } from "@/lib/api";
import { downloadWithAuth } from "@/lib/download";

export type ReportSide = "purchases" | "sales";

export interface ReportRange {
  start_date?: string;
  end_date?: string;
  /** purchases: what the caller bought; sales: what they sold (a manufacturer's impact). */
  side?: ReportSide;
}

export function useSustainabilityReport(range: ReportRange, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ["reports", "sustainability", range] as const,
    queryFn: () => call(() => api.GET("/api/reports/sustainability", { params: { query: range } })),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useExportReport() {
  return useMutation({
    mutationFn: ({ format, ...range }: ReportRange & { format: "csv" | "pdf" }) => {
      const qs = new URLSearchParams({ format });
      if (range.start_date) qs.set("start_date", range.start_date);
      if (range.end_date) qs.set("end_date", range.end_date);
      if (range.side) qs.set("side", range.side);
      const name = range.side === "sales" ? "fabricloop-sales-impact" : "fabricloop-sustainability-report";
      return downloadWithAuth(`/api/reports/export?${qs.toString()}`, `${name}.${format}`);
    },
  });
}

export function useMethodology() {
  return useQuery({
    queryKey: ["reports", "methodology"] as const,
    queryFn: () => call(() => api.GET("/api/reports/methodology")),
    staleTime: Infinity,
  });
}
