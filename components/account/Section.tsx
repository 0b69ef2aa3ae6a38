import type { ReactNode } from "react";
import { useId } from "react";

/** One part of the account or admin page: a heading the page's outline and screen readers find. */
export function Section({
  title,
  about,
  children,
}: {
  title: string;
  about?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="space-y-3">
      <div className="space-y-1">
        <h2 id={id} className="font-semibold text-lg">
          {title}
        </h2>
        {about && <p className="text-sm text-zinc-600 dark:text-zinc-400">{about}</p>}
      </div>
      {children}
    </section>
  );
}

/** A list of things the section holds, one row each, with its actions at the end. */
export function Rows({ label, children }: { label: string; children: ReactNode }) {
  return (
    <ul
      aria-label={label}
      className="divide-y divide-zinc-200 overflow-hidden rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
    >
      {children}
    </ul>
  );
}

export function Row({ children }: { children: ReactNode }) {
  return (
    <li className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
      {children}
    </li>
  );
}

/** The quiet second line of a row: when, how. */
export function Detail({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p id={id} className="text-sm text-zinc-600 dark:text-zinc-400">
      {children}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading {what}…</p>;
}
