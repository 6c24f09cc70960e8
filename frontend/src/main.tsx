import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, startTransition } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router/dom";
import { ApiError } from "@/lib/errors";
import { seedQueries } from "@/lib/seed";
import { preloadPage, router } from "./routes";
import "./index.css";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: true,
      retry: (failureCount, error) => {
        // Client errors are final; retry network hiccups and 5xx twice.
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
        return failureCount < 2;
      },
    },
    mutations: { retry: false },
  },
});

seedQueries(queryClient);

const root = createRoot(document.getElementById("root")!);
// The page's code first (the server preloads it with the HTML), so React's first render is the
// page itself: the server's first paint stays until then, with no placeholder in between.
const render = () =>
  startTransition(() =>
    root.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </StrictMode>,
    ),
  );
preloadPage(window.location.pathname).then(render, render);
