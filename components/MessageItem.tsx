import type { OutboxEntry } from "@/lib/client/outbox";
import type { ChatMessage } from "@/lib/shared/protocol";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });

function Timestamp({ iso }: { iso: string }) {
  const date = new Date(iso);
  return (
    <time
      dateTime={iso}
      title={fullFormat.format(date)}
      className="text-xs text-zinc-500 dark:text-zinc-400"
    >
      {timeFormat.format(date)}
    </time>
  );
}

/** Message text is only ever rendered as text: markup in it is shown, never interpreted. */
function MessageText({ text }: { text: string }) {
  return <p className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">{text}</p>;
}

export function MessageItem({ message, mine }: { message: ChatMessage; mine: boolean }) {
  return (
    <article
      data-seq={message.seq}
      className="group px-4 py-1.5 hover:bg-zinc-50 dark:hover:bg-zinc-900/60"
    >
      <header className="flex items-baseline gap-2">
        <span
          className={`font-semibold text-sm ${mine ? "text-indigo-700 dark:text-indigo-300" : ""}`}
        >
          {message.author.name}
        </span>
        <Timestamp iso={message.createdAt} />
      </header>
      <MessageText text={message.text} />
    </article>
  );
}

export function PendingItem({
  entry,
  authorName,
  onRetry,
  onDiscard,
}: {
  entry: OutboxEntry;
  authorName: string;
  onRetry: () => void;
  onDiscard: () => void;
}) {
  const failed = entry.state === "failed";
  return (
    <article
      data-state={entry.state}
      aria-busy={failed ? undefined : true}
      className={`px-4 py-1.5 ${failed ? "bg-red-50 dark:bg-red-950/40" : "opacity-70"}`}
    >
      <header className="flex items-baseline gap-2">
        <span className="font-semibold text-indigo-700 text-sm dark:text-indigo-300">
          {authorName}
        </span>
        <span
          className={`text-xs ${failed ? "text-red-700 dark:text-red-300" : "text-zinc-500 dark:text-zinc-400"}`}
        >
          {failed ? "Not sent" : "Sending…"}
        </span>
      </header>
      <MessageText text={entry.text} />
      {failed && (
        <div className="mt-1 flex flex-wrap items-center gap-3 text-sm">
          <span className="text-red-700 dark:text-red-300">
            {entry.error?.message ?? "The server refused it."}
          </span>
          <button type="button" onClick={onRetry} className="font-medium underline">
            Retry
          </button>
          <button type="button" onClick={onDiscard} className="font-medium underline">
            Discard
          </button>
        </div>
      )}
    </article>
  );
}
