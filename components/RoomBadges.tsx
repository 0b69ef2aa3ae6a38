import type { RoomVisibility } from "@/lib/shared/protocol";

/** Marks a private room wherever rooms are listed: a lock, and the word for those who cannot see it. */
export function PrivateMark({
  visibility,
  showLabel = false,
}: {
  visibility: RoomVisibility | undefined;
  /** Say "Private" in words too, where there is room for it. */
  showLabel?: boolean;
}) {
  if (visibility !== "private") return null;
  return (
    <span
      title="Private: members only"
      className="inline-flex shrink-0 items-center gap-0.5 text-xs text-zinc-600 dark:text-zinc-400"
    >
      <LockIcon />
      <span className={showLabel ? "" : "sr-only"}>Private</span>
    </span>
  );
}

export function LockIcon({ className = "size-3.5" }: { className?: string }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
    >
      <rect x="3.5" y="7" width="9" height="6.5" rx="1.25" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
    </svg>
  );
}
