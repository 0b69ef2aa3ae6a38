"use client";

import {
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { quoteOf } from "@/lib/client/message-actions";
import { startsGroup } from "@/lib/client/message-groups";
import {
  AT_TAIL,
  DEFAULT_WINDOW,
  pinned,
  type Slice,
  sliceAt,
  slideDown,
  slideUp,
  type WindowPosition,
} from "@/lib/client/message-window";
import type { NameTags } from "@/lib/client/name-tags";
import type { OutboxEntry } from "@/lib/client/outbox";
import type { ShownMessage } from "@/lib/client/shown-message";
import type { User } from "@/lib/shared/protocol";
import { MessageItem, type MessageItemActions, PendingItem } from "./MessageItem";
import { UnreadDivider } from "./UnreadDivider";

/** Within this many pixels of the end the reader counts as "at the bottom" and the view follows. */
const BOTTOM_SLACK_PX = 48;
/** Closer than this to an edge of what is rendered, more is brought in before the reader gets there. */
const EDGE_PX = 600;
/** After a page of older messages failed to come, the next try waits this long. */
const RETRY_OLDER_MS = 2_000;

type Props = {
  room: string;
  /** Every message held for the room, ascending by seq, as the person sees it; only a window of them is rendered. */
  messages: readonly ShownMessage[];
  /** This person's unsent messages, shown after the newest, in this order (failed ones last). */
  pending: readonly OutboxEntry[];
  me: User | null;
  /** Tags for authors whose names look like someone else's in the room. */
  tags: NameTags;
  /** The first unread message, marked by a divider. */
  dividerSeq: number | null;
  joined: boolean;
  /** The room's messages (or its emptiness) have been received at least once. */
  loaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Resolves with whether older messages arrived. */
  onLoadOlder: () => Promise<boolean>;
  /** The room has newer messages than those held (after a jump into history). */
  hasNewer: boolean;
  onLoadNewer: () => Promise<unknown>;
  onEdit: (clientId: string) => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  /** Changes when the person sends: the view jumps to their message. */
  forceFollowKey: number;
  onAtBottomChange: (atBottom: boolean) => void;
  /** The clock for relative times. */
  now: number;
  empty: ReactNode;
  /** What can be done to stored messages; null while nothing can. */
  actions: MessageItemActions | null;
  /** The message being edited in the message box. */
  editingId: string | null;
  /** The room's members' names by id: the people messages mention are styled. */
  mentionNames?: ReadonlyMap<string, string>;
  /** A message to bring into view and mark (a reply's quote was clicked); a new `key` jumps again. */
  jump: { seq: number; key: number } | null;
};

/** How long a jumped-to message stays marked at least: longer while it keeps the focus. */
const HIGHLIGHT_MS = 2_000;

type Anchor = { key: string; top: number };

/** The first rendered entry whose bottom is below the top of the view: what the reader's eye is on. */
function captureAnchor(scroller: HTMLElement): Anchor | null {
  const entries = scroller.querySelectorAll<HTMLElement>("[data-key]");
  const top = scroller.getBoundingClientRect().top;
  let low = 0;
  let high = entries.length - 1;
  let found: HTMLElement | null = null;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const entry = entries[mid] as HTMLElement;
    if (entry.getBoundingClientRect().bottom > top) {
      found = entry;
      high = mid - 1;
    } else low = mid + 1;
  }
  if (!found) return null;
  return { key: found.dataset.key ?? "", top: found.getBoundingClientRect().top - top };
}

/**
 * The message log. It renders a bounded window of the held messages and
 * slides it as the reader scrolls, loading older pages at the top; whatever
 * is added or removed above the reader, the entry under their eye stays where
 * it was. It follows new messages only while the reader is at the bottom;
 * otherwise a "New messages" button offers the way down.
 */
export function MessageList(props: Props) {
  const { messages, pending, me, dividerSeq, hasOlder, loadingOlder, joined, loaded, now } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const anchor = useRef<Anchor | null>(null);
  const [position, setPosition] = useState<WindowPosition>(AT_TAIL);
  const [atBottom, setAtBottom] = useState(true);
  const [seenSeq, setSeenSeq] = useState(0);
  const [olderBlocked, setOlderBlocked] = useState(false);

  const slice: Slice = sliceAt(messages, position, DEFAULT_WINDOW);
  // The end of what is rendered is the room's newest message: held, and none newer to fetch.
  const atEnd = slice.end === messages.length && !props.hasNewer;
  const newestSeq = messages.at(-1)?.seq ?? 0;
  const { onAtBottomChange, onLoadOlder, onLoadNewer, hasNewer } = props;
  const loadingNewer = useRef(false);

  // Keep the reader's place: follow the end, or put the anchored entry back where it was.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (following.current) {
      element.scrollTop = element.scrollHeight;
    } else if (anchor.current) {
      const { key, top } = anchor.current;
      const entry = element.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
      if (entry) {
        const moved = entry.getBoundingClientRect().top - element.getBoundingClientRect().top - top;
        if (moved !== 0) element.scrollTop += moved;
      }
    }
    anchor.current = captureAnchor(element);
  });

  // The view's height changes too (the composer grows, the keyboard opens): stay at the end if there.
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => {
      if (following.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  /** Renders the newest messages and follows them; the layout effect does the scrolling once they are in. */
  const [, setJumps] = useState(0);
  const jumpToEnd = useCallback(() => {
    following.current = true;
    setPosition(AT_TAIL);
    setJumps((n) => n + 1);
    // After a jump into history the newest messages are not all held: fetch them, then follow.
    if (hasNewer) void onLoadNewer();
  }, [hasNewer, onLoadNewer]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a send always scrolls to the end.
  useEffect(() => {
    if (props.forceFollowKey > 0) jumpToEnd();
  }, [props.forceFollowKey]);

  /** Brings in more at an edge the reader is near: held messages first, then an older page. */
  const fillEdges = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    if (element.scrollTop < EDGE_PX) {
      const up = slideUp(messages, slice, DEFAULT_WINDOW);
      if (up) {
        setPosition(up);
        return;
      }
      if (hasOlder && joined && !loadingOlder && !olderBlocked) {
        onLoadOlder().then((loadedSome) => {
          if (loadedSome) return;
          setOlderBlocked(true);
          setTimeout(() => setOlderBlocked(false), RETRY_OLDER_MS);
        });
        return;
      }
    }
    const below = element.scrollHeight - element.scrollTop - element.clientHeight;
    if (below < EDGE_PX && !atEnd) {
      const down = slideDown(messages, slice, DEFAULT_WINDOW);
      if (down) setPosition(down);
      else if (hasNewer && joined && !loadingNewer.current) {
        loadingNewer.current = true;
        void onLoadNewer().finally(() => {
          loadingNewer.current = false;
        });
      }
    }
  }, [
    messages,
    slice,
    atEnd,
    hasOlder,
    hasNewer,
    joined,
    loadingOlder,
    olderBlocked,
    onLoadOlder,
    onLoadNewer,
  ]);

  useEffect(() => {
    fillEdges();
  }, [fillEdges]);

  // A jump: render the window around the message, then (below, once it is in) scroll it to the middle and mark it.
  const [highlightSeq, setHighlightSeq] = useState<number | null>(null);
  const pendingJump = useRef<number | null>(null);
  const { jump } = props;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new jump moves the window, not new messages.
  useEffect(() => {
    if (!jump) return;
    const index = messages.findIndex((message) => message.seq === jump.seq);
    if (index === -1) return;
    following.current = false;
    if (index < slice.start || index >= slice.end) {
      const from = messages[Math.max(0, index - DEFAULT_WINDOW.step)] as ShownMessage;
      setPosition({ tail: false, fromSeq: from.seq });
    }
    pendingJump.current = jump.seq;
    setHighlightSeq(jump.seq);
    const unmark = () => setHighlightSeq((current) => (current === jump.seq ? null : current));
    let target: HTMLElement | null = null;
    const timer = setTimeout(() => {
      // Still on the message (it was focused on arrival): marked until the reader moves on.
      target =
        scroller.current?.querySelector<HTMLElement>(`article[data-seq="${jump.seq}"]`) ?? null;
      if (target?.contains(document.activeElement))
        target.addEventListener("focusout", unmark, { once: true });
      else unmark();
    }, HIGHLIGHT_MS);
    return () => {
      clearTimeout(timer);
      target?.removeEventListener("focusout", unmark);
    };
  }, [jump]);
  useLayoutEffect(() => {
    const seq = pendingJump.current;
    const element = scroller.current;
    if (seq === null || !element) return;
    const target = element.querySelector<HTMLElement>(`article[data-seq="${seq}"]`);
    if (!target) return;
    pendingJump.current = null;
    target.scrollIntoView({ block: "center" });
    anchor.current = captureAnchor(element);
    target.focus({ preventScroll: true });
  });

  const byId = useMemo(() => new Map(messages.map((message) => [message.id, message])), [messages]);

  const readingTheEnd = atBottom && atEnd;
  useEffect(() => {
    if (readingTheEnd) setSeenSeq(newestSeq);
  }, [readingTheEnd, newestSeq]);
  useEffect(() => {
    onAtBottomChange(readingTheEnd);
  }, [readingTheEnd, onAtBottomChange]);

  function onScroll() {
    const element = scroller.current;
    if (!element) return;
    const bottom =
      element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
    following.current = bottom && atEnd;
    anchor.current = captureAnchor(element);
    if (bottom !== atBottom) setAtBottom(bottom);
    // Away from the end, new messages must not slide the window from under the reader.
    if (!bottom && position.tail) setPosition(pinned(messages, slice));
    if (bottom && !position.tail && atEnd) setPosition(AT_TAIL);
    fillEdges();
  }

  const unseen = useMemo(() => {
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i] as ShownMessage;
      if (message.seq <= seenSeq) return false;
      if (message.author.id !== me?.id) return true;
    }
    return false;
  }, [messages, seenSeq, me?.id]);
  const showNewMessages = unseen && !readingTheEnd;

  const rendered = messages.slice(slice.start, slice.end);
  const isEmpty = loaded && messages.length === 0 && pending.length === 0;

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        role="log"
        aria-label="Messages"
        aria-live="polite"
        aria-busy={loadingOlder || undefined}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, and keyboard users scroll it by focusing it.
        tabIndex={0}
        onScroll={onScroll}
        className="min-h-0 flex-1 overflow-y-auto overscroll-contain py-2 [overflow-anchor:none] focus-visible:outline-2 focus-visible:outline-indigo-500 focus-visible:-outline-offset-2"
      >
        {/* Few messages sit at the bottom, next to the composer, as in any chat. */}
        <div className="flex min-h-full flex-col justify-end">
          {slice.start === 0 && (
            <LogStart
              room={props.room}
              loaded={loaded}
              hasOlder={hasOlder}
              loadingOlder={loadingOlder}
              onLoadOlder={() => void onLoadOlder()}
              hasMessages={messages.length > 0}
            />
          )}
          {isEmpty && props.empty}
          {rendered.map((message, i) => {
            const previous = messages[slice.start + i - 1];
            const divided = message.seq === dividerSeq;
            return (
              <div key={message.id} data-key={message.id}>
                {divided && <UnreadDivider />}
                <MessageItem
                  message={message}
                  me={me?.id}
                  continued={!divided && !startsGroup(previous, message)}
                  now={now}
                  tag={props.tags.get(message.author.id)}
                  quote={message.replyTo ? quoteOf(byId, message.replyTo) : null}
                  actions={props.actions}
                  highlighted={message.seq === highlightSeq}
                  editing={message.id === props.editingId}
                  mentionNames={props.mentionNames}
                />
              </div>
            );
          })}
          {atEnd &&
            pending.map((entry) => (
              <div key={entry.clientId} data-key={`pending-${entry.clientId}`}>
                <PendingItem
                  entry={entry}
                  quote={entry.replyTo ? quoteOf(byId, entry.replyTo) : null}
                  authorName={me?.name ?? "You"}
                  onEdit={() => props.onEdit(entry.clientId)}
                  authorTag={me ? props.tags.get(me.id) : undefined}
                  onRetry={() => props.onRetry(entry.clientId)}
                  onDiscard={() => props.onDiscard(entry.clientId)}
                />
              </div>
            ))}
        </div>
      </div>
      {showNewMessages && (
        <button
          type="button"
          onClick={() => {
            jumpToEnd();
            scroller.current?.focus({ preventScroll: true });
          }}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-indigo-700 px-4 py-1.5 font-medium text-sm text-white shadow-lg hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
        >
          New messages <span aria-hidden="true">↓</span>
        </button>
      )}
    </div>
  );
}

function LogStart(props: {
  room: string;
  loaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  hasMessages: boolean;
  onLoadOlder: () => void;
}) {
  if (props.hasOlder) {
    return (
      <div className="flex justify-center p-2">
        {props.loadingOlder ? (
          <p className="py-1 text-sm text-zinc-600 dark:text-zinc-400">Loading older messages…</p>
        ) : (
          <button
            type="button"
            onClick={props.onLoadOlder}
            className="rounded-md px-3 py-1 text-indigo-700 text-sm hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-indigo-950"
          >
            Load older messages
          </button>
        )}
      </div>
    );
  }
  if (!props.loaded && !props.hasMessages)
    return <p className="px-4 py-10 text-center text-zinc-600 dark:text-zinc-400">Loading…</p>;
  if (!props.hasMessages) return null;
  return (
    <p className="px-4 pt-6 pb-2 text-sm text-zinc-600 dark:text-zinc-400">
      This is the beginning of <span className="font-semibold">#{props.room}</span>.
    </p>
  );
}
