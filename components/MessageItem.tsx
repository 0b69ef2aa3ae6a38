import { memo } from "react";
import { errorText } from "@/lib/client/error-text";
import { canRetry, type OutboxEntry } from "@/lib/client/outbox";
import { exactTime, relativeTime } from "@/lib/client/relative-time";
import type { ChatMessage } from "@/lib/shared/protocol";
import { Avatar } from "./Avatar";
import { MessageText } from "./MessageText";
import { PersonName } from "./PersonName";

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** When a message was written: relative while recent, the exact time on hover. */
function Timestamp({ iso, now }: { iso: string; now: number }) {
  const date = new Date(iso);
  return (
    <time
      dateTime={iso}
      title={exactTime(date)}
      className="text-xs text-zinc-600 dark:text-zinc-400"
    >
      {relativeTime(date, new Date(now))}
    </time>
  );
}

type MessageProps = {
  message: ChatMessage;
  mine: boolean;
  /** Continues the group of the message above: no avatar, name or time shown (screen readers still get them). */
  continued: boolean;
  now: number;
  /** Tells the author apart from someone in the room with a look-alike name. */
  tag?: string | undefined;
};

export const MessageItem = memo(function MessageItem({
  message,
  mine,
  continued,
  now,
  tag,
}: MessageProps) {
  const name = (
    <span>
      <PersonName
        name={message.author.name}
        tag={tag}
        className={`font-semibold text-sm ${mine ? "text-indigo-700 dark:text-indigo-300" : "text-zinc-900 dark:text-zinc-100"}`}
      />
    </span>
  );
  return (
    <article
      data-seq={message.seq}
      className={`group flex gap-3 px-4 hover:bg-zinc-100/70 dark:hover:bg-zinc-900/70 ${continued ? "py-0.5" : "mt-2 pt-1 pb-0.5"}`}
    >
      <div className="w-9 shrink-0">
        {continued ? (
          <time
            dateTime={message.createdAt}
            title={exactTime(new Date(message.createdAt))}
            aria-hidden="true"
            className="invisible block pt-1 text-right text-[11px] text-zinc-600 tabular-nums group-hover:visible dark:text-zinc-400"
          >
            {clockFormat.format(new Date(message.createdAt))}
          </time>
        ) : (
          <Avatar user={message.author} />
        )}
      </div>
      <div className="min-w-0 flex-1">
        <header className={continued ? "sr-only" : "flex flex-wrap items-baseline gap-x-2"}>
          {name}
          <Timestamp iso={message.createdAt} now={now} />
        </header>
        <MessageText text={message.text} />
      </div>
    </article>
  );
});

/**
 * One of this person's messages that the server has not stored: "Sending…"
 * while it waits, or "Not sent" with the reason once refused for good. A
 * refused text is shown in a few lines only, so that it never hides the
 * conversation above it; Edit brings all of it back to the message box.
 */
export function PendingItem({
  entry,
  authorName,
  onEdit,
  authorTag,
  onRetry,
  onDiscard,
}: {
  entry: OutboxEntry;
  authorName: string;
  onEdit: () => void;
  authorTag?: string | undefined;
  onRetry: () => void;
  onDiscard: () => void;
}) {
  const failed = entry.state === "failed";
  const actionClass =
    "rounded font-medium underline focus-visible:outline-2 focus-visible:outline-indigo-500";
  return (
    <article
      data-state={entry.state}
      aria-busy={failed ? undefined : true}
      className={`mt-2 flex gap-3 px-4 pt-1 pb-0.5 ${failed ? "bg-red-50 dark:bg-red-950/40" : ""}`}
    >
      <div className="w-9 shrink-0">
        <Avatar user={{ id: "me", name: authorName }} faded={!failed} />
      </div>
      <div className="min-w-0 flex-1">
        <header className="flex flex-wrap items-baseline gap-x-2">
          <span>
            <PersonName
              name={authorName}
              tag={authorTag}
              className="font-semibold text-indigo-700 text-sm dark:text-indigo-300"
            />
          </span>
          <span
            className={`text-xs ${failed ? "text-red-700 dark:text-red-300" : "text-zinc-600 dark:text-zinc-400"}`}
          >
            {failed ? "Not sent" : "Sending…"}
          </span>
        </header>
        <div className={failed ? "line-clamp-3" : "text-zinc-600 dark:text-zinc-400"}>
          <MessageText text={entry.text} />
        </div>
        {failed && (
          <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
            <span className="text-red-700 dark:text-red-300">{errorText(entry.error)}</span>
            <button type="button" onClick={onEdit} className={actionClass}>
              Edit
            </button>
            {canRetry(entry) && (
              <button type="button" onClick={onRetry} className={actionClass}>
                Retry
              </button>
            )}
            <button type="button" onClick={onDiscard} className={actionClass}>
              Discard
            </button>
          </div>
        )}
      </div>
    </article>
  );
}
