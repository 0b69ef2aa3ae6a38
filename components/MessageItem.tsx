"use client";

import {
  type MouseEvent,
  memo,
  type ReactNode,
  type Ref,
  useCallback,
  useRef,
  useState,
} from "react";
import { errorText } from "@/lib/client/error-text";
import { type MentionMarks, mentionsReader } from "@/lib/client/mention-marks";
import { canChange, type QuoteView } from "@/lib/client/message-actions";
import { canRetry, type OutboxEntry, type OutboxFile } from "@/lib/client/outbox";
import { exactTime, relativeTime } from "@/lib/client/relative-time";
import type { ShownMessage } from "@/lib/client/shown-message";
import { humanSize, percentOf } from "@/lib/client/upload-state";
import { useUploads } from "@/lib/client/use-uploads";
import type { Attachment, ReactionUsersResult, ReplyRef, User } from "@/lib/shared/protocol";
import { Attachments } from "./Attachments";
import { Avatar } from "./Avatar";
import { MessageText } from "./MessageText";
import { PersonName } from "./PersonName";
import { ReactionPicker } from "./ReactionPicker";
import { Reactions } from "./Reactions";

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

/** What a person can do to a stored message; null while nothing can be (before the session is known). */
export type MessageItemActions = {
  reply: (message: ShownMessage) => void;
  edit: (message: ShownMessage) => void;
  remove: (message: ShownMessage) => void;
  toggleReaction: (message: ShownMessage, emoji: string) => void;
  reactionUsers: (message: ShownMessage, emoji: string) => Promise<ReactionUsersResult>;
  jumpTo: (reply: ReplyRef) => void;
  /** A moderator, owner or admin of the room: others' messages can be removed too. */
  moderate?: boolean;
  /** Opens a direct conversation with a message's author (from the menu on their name). */
  openDirect?: (author: User) => void;
  /** Opens one of a message's pictures full size. */
  openImage?: (attachment: Attachment) => void;
};

type MessageProps = {
  message: ShownMessage;
  /** The person looking: their own messages can be edited and deleted. */
  me: string | undefined;
  /** Continues the group of the message above: no avatar, name or time shown (screen readers still get them). */
  continued: boolean;
  now: number;
  /** Tells the author apart from someone in the room with a look-alike name. */
  tag?: string | undefined;
  /** The message it answers, as it is now; null when it answers none. */
  quote: QuoteView | null;
  actions: MessageItemActions | null;
  /** Just jumped to (from a reply's quote): marked for a moment. */
  highlighted: boolean;
  /** Being edited in the message box. */
  editing: boolean;
  /** Names of the room's members by id, for styling the people a message mentions. */
  mentionNames?: ReadonlyMap<string, string> | undefined;
};

/** A press this long on a touch screen shows the actions, as hovering does with a mouse. */
const LONG_PRESS_MS = 500;

export const MessageItem = memo(function MessageItem({
  message,
  me,
  continued,
  now,
  tag,
  quote,
  actions,
  highlighted,
  editing,
  mentionNames,
}: MessageProps) {
  const mine = message.author.id === me;
  const callsMe = mentionsReader(message, me);
  const marks: MentionMarks | undefined =
    message.mentions || message.mentionsAll
      ? {
          people: (message.mentions ?? []).flatMap((id) => {
            const name = mentionNames?.get(id);
            return name ? [{ id, name }] : [];
          }),
          selfId: me,
          all: message.mentionsAll !== undefined,
        }
      : undefined;
  const [picking, setPicking] = useState<false | "above" | "below">(false);
  const [pressed, setPressed] = useState(false);
  const press = useRef<ReturnType<typeof setTimeout> | null>(null);
  const toolbar = useRef<HTMLDivElement>(null);
  const addReaction = useRef<HTMLButtonElement>(null);
  const closePicker = useCallback(() => {
    setPicking(false);
    addReaction.current?.focus();
  }, []);
  const cancelPress = () => {
    if (press.current) clearTimeout(press.current);
    press.current = null;
  };

  const nameText = (
    <PersonName
      name={message.author.name}
      tag={tag}
      className={`font-semibold text-sm ${mine ? "text-indigo-700 dark:text-indigo-300" : "text-zinc-900 dark:text-zinc-100"}`}
    />
  );
  const openDirect = actions?.openDirect;
  // A continued message's name is for screen readers only: no button hidden there.
  const name =
    !mine && openDirect && !(continued && !message.replyTo) ? (
      <AuthorMenu author={message.author} onMessage={() => openDirect(message.author)}>
        {nameText}
      </AuthorMenu>
    ) : (
      <span>{nameText}</span>
    );
  const showActions = actions !== null && !message.deleted;
  const changeable = actions !== null && canChange(message, me);
  // Moderators remove others' messages; editing stays the author's alone.
  const removable = changeable || (showActions && actions?.moderate === true && !mine);
  return (
    <article
      data-seq={message.seq}
      data-id={message.id}
      aria-busy={message.pending || undefined}
      // Focused when a reply's quote jumps here, so the keyboard continues from it.
      tabIndex={-1}
      onTouchStart={() => {
        cancelPress();
        press.current = setTimeout(() => {
          setPressed(true);
          toolbar.current?.querySelector("button")?.focus();
        }, LONG_PRESS_MS);
      }}
      onTouchEnd={cancelPress}
      onTouchMove={cancelPress}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setPressed(false);
      }}
      className={`group relative flex gap-3 px-4 transition-colors duration-700 outline-none hover:bg-zinc-100/70 focus-within:bg-zinc-100/70 dark:focus-within:bg-zinc-900/70 dark:hover:bg-zinc-900/70 ${continued && !message.replyTo ? "py-0.5" : "mt-2 pt-1 pb-0.5"} ${highlighted ? "bg-amber-100 dark:bg-amber-900/40" : ""} ${callsMe ? "border-amber-400 border-l-4 bg-amber-50/70 pl-3 dark:bg-amber-950/30" : ""} ${editing ? "bg-indigo-50 dark:bg-indigo-950/50" : ""}`}
    >
      <div className="w-9 shrink-0">
        {continued && !message.replyTo ? (
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
      <div className={`min-w-0 flex-1 ${message.pending ? "opacity-60" : ""}`}>
        {quote && message.replyTo && (
          <ReplyQuote quote={quote} onJump={() => actions?.jumpTo(message.replyTo as ReplyRef)} />
        )}
        <header
          className={
            continued && !message.replyTo ? "sr-only" : "flex flex-wrap items-baseline gap-x-2"
          }
        >
          {name}
          <Timestamp iso={message.createdAt} now={now} />
          {callsMe && (
            <span className="font-semibold text-amber-800 text-xs dark:text-amber-300">
              Mentions you
            </span>
          )}
        </header>
        {message.deleted ? (
          <p className="text-zinc-600 italic dark:text-zinc-400">
            {message.removedByModerator
              ? "This message was removed by a moderator"
              : "This message was deleted"}
          </p>
        ) : (
          <>
            <MessageText text={message.text} mentions={marks} />
            {message.attachments && (
              <Attachments attachments={message.attachments} onOpenImage={actions?.openImage} />
            )}
          </>
        )}
        {(message.editedAt || message.pending) && !message.deleted && (
          <div className="flex gap-2 text-xs text-zinc-600 dark:text-zinc-400">
            {message.editedAt && (
              <span title={`Edited ${exactTime(new Date(message.editedAt))}`}>(edited)</span>
            )}
            {message.pending && <span>Pending</span>}
          </div>
        )}
        {message.pending && message.deleted && (
          <span className="text-xs text-zinc-600 dark:text-zinc-400">Pending</span>
        )}
        {actions && !message.deleted && (
          <Reactions
            reactions={message.reactions}
            me={me}
            pending={message.pending}
            onToggle={(emoji) => actions.toggleReaction(message, emoji)}
            users={(emoji) => actions.reactionUsers(message, emoji)}
          />
        )}
      </div>
      {showActions && (
        // biome-ignore lint/a11y/useSemanticElements: a fieldset is for form controls; these are a message's buttons.
        <div
          ref={toolbar}
          role="group"
          aria-label="Message actions"
          className={`absolute -top-3 right-3 z-20 flex rounded-md border border-zinc-300 bg-white shadow-sm group-focus-within:pointer-events-auto group-focus-within:opacity-100 group-hover:pointer-events-auto group-hover:opacity-100 dark:border-zinc-700 dark:bg-zinc-900 ${picking || pressed ? "opacity-100" : "pointer-events-none opacity-0"}`}
        >
          <ActionButton label="Reply" onClick={() => actions.reply(message)}>
            <ReplyIcon />
          </ActionButton>
          <ActionButton
            label="Add reaction"
            buttonRef={addReaction}
            expanded={picking !== false}
            onClick={(event) => {
              // In the upper half of the screen the picker opens downwards, where there is room for it.
              const top = event.currentTarget.getBoundingClientRect().top;
              setPicking((open) =>
                open ? false : top < window.innerHeight / 2 ? "below" : "above",
              );
            }}
          >
            <SmileIcon />
          </ActionButton>
          {changeable && (
            <ActionButton label="Edit" onClick={() => actions.edit(message)}>
              <PencilIcon />
            </ActionButton>
          )}
          {removable && (
            <ActionButton label="Delete" onClick={() => actions.remove(message)}>
              <BinIcon />
            </ActionButton>
          )}
        </div>
      )}
      {picking && actions && (
        <ReactionPicker
          below={picking === "below"}
          onPick={(emoji) => {
            if (!message.reactions.some((r) => r.emoji === emoji && r.me))
              actions.toggleReaction(message, emoji);
          }}
          onClose={closePicker}
        />
      )}
    </article>
  );
});

/**
 * A message author's name, as a button that opens what can be done with the
 * person: for now, a direct conversation. Escape or a click elsewhere closes it.
 */
function AuthorMenu({
  author,
  onMessage,
  children,
}: {
  author: User;
  onMessage: () => void;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const item = useRef<HTMLButtonElement>(null);
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: focus leaving the name and its menu closes it; Escape from either closes it too.
    <span
      className="relative"
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          event.stopPropagation();
          close(true);
        }
      }}
    >
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => {
          setOpen((was) => !was);
          setTimeout(() => item.current?.focus(), 0);
        }}
        className="rounded hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        {children}
      </button>
      {open && (
        <span
          role="menu"
          aria-label={author.name}
          className="absolute top-full left-0 z-30 mt-1 flex min-w-32 flex-col rounded-md border border-zinc-300 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <button
            ref={item}
            type="button"
            role="menuitem"
            onClick={() => {
              close(false);
              onMessage();
            }}
            className="px-3 py-1.5 text-left text-sm hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-none dark:focus-visible:bg-zinc-800 dark:hover:bg-zinc-800"
          >
            Message
          </button>
        </span>
      )}
    </span>
  );
}

function ActionButton({
  label,
  onClick,
  children,
  buttonRef,
  expanded,
}: {
  label: string;
  onClick: (event: MouseEvent<HTMLButtonElement>) => void;
  children: ReactNode;
  buttonRef?: Ref<HTMLButtonElement>;
  expanded?: boolean;
}) {
  return (
    <button
      ref={buttonRef}
      type="button"
      aria-label={label}
      title={label}
      aria-expanded={expanded}
      onClick={onClick}
      className="flex size-8 items-center justify-center text-zinc-700 first:rounded-l-md last:rounded-r-md hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-zinc-300 dark:hover:bg-zinc-800"
    >
      {children}
    </button>
  );
}

/** The message a reply answers, in a line: its current text, or that it was deleted. A click goes to it. */
function ReplyQuote({ quote, onJump }: { quote: QuoteView; onJump?: () => void }) {
  const text =
    quote.kind === "message"
      ? quote.text
      : quote.kind === "deleted"
        ? "This message was deleted"
        : "Earlier message";
  const content = (
    <>
      <span aria-hidden="true">↱</span>
      <span className="sr-only">Replying to </span>
      {quote.kind === "message" && (
        <span className="shrink-0 font-semibold">{quote.author.name}</span>
      )}{" "}
      <span className={`truncate ${quote.kind === "message" ? "" : "italic"}`}>{text}</span>
    </>
  );
  const look =
    "mb-0.5 flex max-w-full items-baseline gap-1.5 rounded text-left text-xs text-zinc-600 dark:text-zinc-400";
  // A reply still in the outbox quotes without a way to jump: it has no actions yet.
  if (!onJump) return <div className={look}>{content}</div>;
  return (
    <button
      type="button"
      onClick={onJump}
      className={`${look} hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:text-zinc-100`}
    >
      {content}
    </button>
  );
}

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      className="size-4"
    >
      {children}
    </svg>
  );
}
const ReplyIcon = () => (
  <Icon>
    <path d="M6.5 4 2.5 8l4 4M3 8h6.5a4 4 0 0 1 4 4v.5" />
  </Icon>
);
const SmileIcon = () => (
  <Icon>
    <circle cx="8" cy="8" r="5.75" />
    <path d="M5.75 9.5a2.75 2.75 0 0 0 4.5 0M6 6.5h.01M10 6.5h.01" />
  </Icon>
);
const PencilIcon = () => (
  <Icon>
    <path d="m10.5 2.5 3 3-8 8h-3v-3z" />
  </Icon>
);
const BinIcon = () => (
  <Icon>
    <path d="M2.5 4.5h11M6 4.5V3h4v1.5M4 4.5l.75 9h6.5l.75-9" />
  </Icon>
);

/** The files of a message not yet stored: each uploaded, or how far its upload is. */
function PendingFiles({ files }: { files: readonly OutboxFile[] }) {
  const uploads = useUploads();
  return (
    <ul aria-label="Files" className="mt-1 flex flex-col gap-0.5 text-sm">
      {files.map((file) => {
        const upload = file.attachment
          ? undefined
          : uploads.find((u) => u.localId === file.localId);
        const percent = upload ? percentOf(upload) : null;
        return (
          <li key={file.localId} className="flex items-center gap-2">
            <span className="min-w-0 truncate">{file.name}</span>
            <span className="shrink-0 text-xs text-zinc-600 dark:text-zinc-400">
              {file.attachment
                ? humanSize(file.size)
                : percent !== null && upload?.status !== "failed"
                  ? `uploading, ${percent}%`
                  : "not uploaded"}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * One of this person's messages that the server has not stored: "Sending…"
 * while it waits, or "Not sent" with the reason once refused for good. A
 * refused text is shown in a few lines only, so that it never hides the
 * conversation above it; Edit brings all of it back to the message box.
 */
export function PendingItem({
  entry,
  quote,
  authorName,
  onEdit,
  authorTag,
  onRetry,
  onDiscard,
}: {
  entry: OutboxEntry;
  /** The message it answers, when it is a reply. */
  quote: QuoteView | null;
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
        {quote && <ReplyQuote quote={quote} />}
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
        {entry.files && entry.files.length > 0 && <PendingFiles files={entry.files} />}
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
