import Link from "next/link";
import type { ReactNode } from "react";

/**
 * The frame of the account pages: the way home, what the header offers
 * (Account, Sign out…), and one heading for the page.
 */
export function PageShell({
  title,
  intro,
  nav,
  width = "narrow",
  children,
}: {
  title: string;
  intro?: ReactNode;
  nav?: ReactNode;
  width?: "narrow" | "wide";
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-full flex-col">
      <header className="flex items-center justify-between gap-3 border-zinc-200 border-b px-4 py-2 dark:border-zinc-800">
        <Link
          href="/"
          className="rounded-md font-semibold text-zinc-700 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-zinc-300 dark:hover:text-zinc-100"
        >
          Scrollback
        </Link>
        {nav}
      </header>
      <main
        className={`mx-auto flex w-full flex-col gap-6 px-4 py-8 sm:py-12 ${width === "wide" ? "max-w-3xl" : "max-w-sm"}`}
      >
        <div className="space-y-2">
          <h1 className="font-bold text-2xl tracking-tight">{title}</h1>
          {intro && <div className="text-zinc-600 dark:text-zinc-400">{intro}</div>}
        </div>
        {children}
      </main>
    </div>
  );
}
