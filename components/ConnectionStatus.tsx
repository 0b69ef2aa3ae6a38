import type { ConnectionStatus as Status } from "@/lib/client/room-client";

const LABELS: Record<Status, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

const DOT: Record<Status, string> = {
  connecting: "bg-amber-500",
  connected: "bg-emerald-500",
  reconnecting: "bg-amber-500 animate-pulse",
  offline: "bg-red-600",
};

/**
 * The connection state in words; the coloured dot only repeats them. On a
 * phone the header has room for one line, so there the dot alone says
 * "connected" and the waiting count is left to the messages marked
 * "Sending…"; screen readers still hear every word.
 */
export function ConnectionStatus({ status, waiting }: { status: Status; waiting: number }) {
  const suffix = status !== "connected" && waiting > 0 ? ` (${waiting} waiting to send)` : "";
  return (
    <p
      role="status"
      className="flex shrink-0 items-center gap-1.5 whitespace-nowrap text-sm text-zinc-600 max-sm:text-xs dark:text-zinc-400"
    >
      <span aria-hidden="true" className={`inline-block size-2 rounded-full ${DOT[status]}`} />
      <span className={status === "connected" ? "max-sm:sr-only" : ""}>{LABELS[status]}</span>
      {suffix && <span className="max-sm:sr-only">{suffix}</span>}
    </p>
  );
}

/** Said under the log while the browser is offline: nothing written is lost. */
export function OfflineNotice() {
  return (
    <p className="mx-3 mb-2 rounded-md bg-zinc-100 px-3 py-1.5 text-sm text-zinc-700 dark:bg-zinc-900 dark:text-zinc-300">
      You are offline. Messages you write are kept, and sent when the connection is back.
    </p>
  );
}
