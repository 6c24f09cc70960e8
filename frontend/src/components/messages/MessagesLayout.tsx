import type { ReactNode } from "react";
import { cx } from "@/components/ui";
import { ConversationList } from "./ConversationList";

/** Two panes on desktop; on phones the list or the open thread. */
export function MessagesLayout({ children, threadOpen }: { children: ReactNode; threadOpen: boolean }) {
  return (
    <>
      {/* On a phone the open thread hides the list and its heading: the page keeps its name. */}
      {threadOpen && <h1 className="sr-only md:hidden">Messages</h1>}
      <div className="grid h-[calc(100dvh-12rem)] min-h-[28rem] overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm md:grid-cols-[20rem_1fr]">
        <aside className={cx("min-h-0 overflow-y-auto border-r border-stone-200", threadOpen && "hidden md:block")}>
          <h1 className="sticky top-0 z-10 border-b border-stone-100 bg-white px-4 py-3 text-base font-semibold text-stone-900">Messages</h1>
          <ConversationList />
        </aside>
        <section className={cx("min-h-0 flex-col", threadOpen ? "flex" : "hidden md:flex")}>{children}</section>
      </div>
    </>
  );
}
