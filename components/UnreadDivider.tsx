/** Marks where the reader left off: the messages below it arrived since. */
export function UnreadDivider() {
  return (
    <div className="relative mx-4 mt-4 mb-1">
      <hr aria-label="Unread messages" className="border-red-600 dark:border-red-500" />
      <span
        aria-hidden="true"
        className="absolute -top-2 right-0 bg-white pl-2 font-semibold text-red-700 text-xs uppercase leading-4 tracking-wide dark:bg-zinc-950 dark:text-red-400"
      >
        New
      </span>
    </div>
  );
}
