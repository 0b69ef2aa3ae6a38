/** "3 unread", shown as a pill; nothing when there is nothing unread. */
export function UnreadBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="shrink-0 rounded-full bg-red-700 px-1.5 font-semibold text-white text-xs tabular-nums">
      {count > 99 ? "99+" : count}
      <span className="sr-only"> unread</span>
    </span>
  );
}

/**
 * "@ 2": unread mentions of the person, apart from the unread count; read
 * as "2 mentions". Nothing when there are none.
 */
export function MentionBadge({ count, capped = false }: { count: number; capped?: boolean }) {
  if (count <= 0) return null;
  const shown = capped ? `${count}+` : String(count);
  return (
    <span className="shrink-0 rounded-full bg-amber-200 px-1.5 font-semibold text-amber-950 text-xs tabular-nums dark:bg-amber-300">
      <span aria-hidden="true">@ {shown}</span>
      <span className="sr-only">
        {shown} {count === 1 && !capped ? "mention" : "mentions"}
      </span>
    </span>
  );
}
