import type { ConnectionStatus as Status } from "@/lib/client/room-client";

const LABELS: Record<Status, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
};

const DOT: Record<Status, string> = {
  connecting: "bg-amber-500",
  connected: "bg-emerald-500",
  reconnecting: "bg-amber-500 animate-pulse",
};

/** The connection state in words; the coloured dot only repeats them. */
export function ConnectionStatus({ status, waiting }: { status: Status; waiting: number }) {
  const suffix = status !== "connected" && waiting > 0 ? ` (${waiting} waiting to send)` : "";
  return (
    <p role="status" className="flex items-center gap-1.5 text-sm text-zinc-600 dark:text-zinc-400">
      <span aria-hidden="true" className={`inline-block size-2 rounded-full ${DOT[status]}`} />
      {LABELS[status]}
      {suffix}
    </p>
  );
}
