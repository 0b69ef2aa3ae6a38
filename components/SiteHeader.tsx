import Link from "next/link";
import { AccountNav } from "./account/AccountNav";
import { SearchBox } from "./SearchBox";

/**
 * The header of a page that is not a room's own — refused, ended or invited:
 * the way home and the account's menu, nothing of any room.
 */
export function SiteHeader({ accountNav }: { accountNav: Parameters<typeof AccountNav>[0] }) {
  return (
    <header className="relative flex items-center justify-between gap-3 border-zinc-200 border-b px-4 py-2 dark:border-zinc-800">
      <Link
        href="/"
        className="rounded-md font-semibold text-zinc-700 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-zinc-300 dark:hover:text-zinc-100"
      >
        Scrollback
      </Link>
      <div className="flex min-w-0 items-center gap-2 sm:gap-3">
        <SearchBox />
        <AccountNav {...accountNav} />
      </div>
    </header>
  );
}
