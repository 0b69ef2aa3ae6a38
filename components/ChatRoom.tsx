"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { withRestored } from "@/lib/client/draft-rules";
import { errorText, NO_ANSWER_TEXT, NOT_CONNECTED_TEXT } from "@/lib/client/error-text";
import { shouldFocusOnArrival } from "@/lib/client/focus-on-arrival";
import { lastEditable, type MessageChanges } from "@/lib/client/message-actions";
import { nameTags } from "@/lib/client/name-tags";
import { AT_PARAM, parseAt } from "@/lib/client/open-at";
import { inDisplayOrder, unconfirmed } from "@/lib/client/outbox";
import { pageReadPositions } from "@/lib/client/read-positions";
import { exactTime } from "@/lib/client/relative-time";
import type { RoomEnd, RoomSnapshot } from "@/lib/client/room-client";
import { muteEnd, ROOM_END_TEXT, roomPowers, roomTitle } from "@/lib/client/room-membership";
import type { ShownMessage } from "@/lib/client/shown-message";
import { ask } from "@/lib/client/socket-request";
import { hasOlder } from "@/lib/client/timeline";
import { firstUnreadSeq, titleWithUnread, unreadCount } from "@/lib/client/unread";
import { chooseFiles } from "@/lib/client/upload-state";
import { browserUploads } from "@/lib/client/uploads";
import { useAccountReads } from "@/lib/client/use-account-reads";
import { useDesktopNotifications } from "@/lib/client/use-desktop-notifications";
import { useDraft } from "@/lib/client/use-draft";
import { useNameSkeleton } from "@/lib/client/use-name-skeleton";
import { useNow } from "@/lib/client/use-now";
import { useOpenAt } from "@/lib/client/use-open-at";
import { usePageVisible } from "@/lib/client/use-page-visible";
import { useReadPositions, useReadPositionsReady } from "@/lib/client/use-read-positions";
import { useRoom } from "@/lib/client/use-room";
import { useRoomMembers } from "@/lib/client/use-room-members";
import { useSessionEnded } from "@/lib/client/use-session-ended";
import { useUploads } from "@/lib/client/use-uploads";
import { DEFAULT_MAX_UPLOAD_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from "@/lib/shared/limits";
import {
  type Attachment,
  isInlineImage,
  type RoomInfo,
  type RoomListing,
  type User,
} from "@/lib/shared/protocol";
import { AuditLogDialog } from "./AuditLogDialog";
import { AccountNav, type HeaderAccount } from "./account/AccountNav";
import { Composer, type ComposerMode } from "./Composer";
import { ConnectionStatus, OfflineNotice } from "./ConnectionStatus";
import { DeleteDialog } from "./DeleteDialog";
import { ImageDialog } from "./ImageDialog";
import { InviteDialog } from "./InviteDialog";
import { MembersDialog } from "./MembersDialog";
import { MentionsDialog } from "./MentionsDialog";
import type { MessageItemActions } from "./MessageItem";
import { MessageList } from "./MessageList";
import { preloadFormatting } from "./MessageText";
import { NameEditor } from "./NameEditor";
import { NotificationsDialog } from "./NotificationsDialog";
import { OnlineList } from "./OnlineList";
import { LockIcon } from "./RoomBadges";
import { RoomMenu, type RoomTool } from "./RoomMenu";
import { RoomRefused } from "./RoomRefused";
import { RoomSettingsDialog } from "./RoomSettingsDialog";
import { RoomSwitcher } from "./RoomSwitcher";
import { SearchBox } from "./SearchBox";
import { SiteHeader } from "./SiteHeader";
import { TypingIndicator } from "./TypingIndicator";

/** Relative times ("5 minutes ago") are redrawn this often. */
const CLOCK_TICK_MS = 30_000;

export function ChatRoom({
  room,
  rooms,
  account,
  signedIn = false,
  info: pageInfo = null,
}: {
  room: string;
  rooms: readonly RoomListing[];
  /** The room's settings as the page's request found them; null for a room not made yet. */
  info?: RoomInfo | null;
  /** Who is signed in, as the page's request said; null for a guest. */
  account: HeaderAccount;
  /** The page was asked for with an account's session: read positions are the account's. */
  signedIn?: boolean;
}) {
  const { snapshot, activity, client, roomActivity } = useRoom(room);
  useAccountReads(signedIn);
  useDesktopNotifications();
  const { timeline, user, outbox, status, joined } = snapshot;
  const router = useRouter();
  const info = snapshot.info ?? pageInfo;
  const powers = roomPowers(info, snapshot.membership, snapshot.admin);
  const [tool, setTool] = useState<Exclude<RoomTool, "leave" | "claim"> | null>(null);
  const [toolError, setToolError] = useState<string | null>(null);
  const menuTools: RoomTool[] = [
    // Members are notified; a reader of a public room who never joined is not.
    ...(powers.leave ? (["notifications"] as const) : []),
    ...(powers.invite ? (["invite"] as const) : []),
    ...(powers.members ? (["members"] as const) : []),
    ...(powers.settings ? (["settings"] as const) : []),
    ...(powers.audit ? (["audit"] as const) : []),
    ...(powers.claim ? (["claim"] as const) : []),
    ...(powers.leave ? (["leave"] as const) : []),
  ];
  const [sentCount, setSentCount] = useState(0);
  const [atBottom, setAtBottom] = useState(true);
  const [panelOpen, setPanelOpen] = useState(false);
  const visible = usePageVisible();
  const now = useNow(CLOCK_TICK_MS);
  const me = user?.id;
  const [mentionsWanted, setMentionsWanted] = useState(false);
  const [mentionsOpen, setMentionsOpen] = useState(false);
  const { shown, hasNewer, refused } = snapshot;
  // Members are read for the composer's suggestions, and to style the names messages mention.
  const roomMembers = useRoomMembers(
    client,
    room,
    snapshot.membersRev,
    mentionsWanted || shown.some((m) => m.mentions !== undefined),
  );
  const mentionNames = useMemo(() => {
    const names = new Map(roomMembers.members.map((m) => [m.id, m.name]));
    if (user) names.set(user.id, user.name);
    return names;
  }, [roomMembers, user]);
  const changes: MessageChanges | null = client;
  const loadNewer = useCallback(async () => client?.loadNewer(), [client]);
  const signedOut = useSessionEnded(account !== null, status);
  const accountNav = {
    account: signedOut ? null : account,
    here: `/chat/${room}`,
    guestName: user?.name,
  };

  const waiting = useMemo(
    () => inDisplayOrder(unconfirmed(outbox, timeline.messages, me)),
    [outbox, timeline.messages, me],
  );
  const pendingCount = waiting.filter((entry) => entry.state === "pending").length;
  // Everyone whose name the room shows, so that look-alike names are tagged everywhere alike.
  const skeleton = useNameSkeleton();
  const tags = useMemo(
    () =>
      nameTags(
        [
          ...timeline.messages.map((message) => message.author),
          ...activity.online.people,
          ...activity.typing,
          ...(user ? [user] : []),
        ],
        skeleton,
      ),
    [timeline.messages, activity.online.people, activity.typing, user, skeleton],
  );
  const loaded = joined || timeline.fromStart || timeline.messages.length > 0;

  // --- reading: how far the person has read, where the divider goes, the tab title ---
  const readSeq = useReadPositions().get(room);
  // A signed-in person's positions come from the server after the connect.
  const positionsReady = useReadPositionsReady();
  /** The read position when the person last arrived or looked away; the divider marks what came after. */
  const [leftAt, setLeftAt] = useState<number | undefined>(undefined);
  const arrived = useRef(false);
  const newestSeq = timeline.messages.at(-1)?.seq ?? 0;
  // Arriving by a link to a message (a notification, a mention, a search result), the
  // room first joins at its newest messages and then jumps: those were not read by
  // arriving, so nothing is marked until the jump has been made.
  const openingAt = useRef(parseAt(useSearchParams().get(AT_PARAM)) !== null);

  // Before paint: whatever the person can see has already been counted as read.
  useLayoutEffect(() => {
    if (!joined || !positionsReady) return;
    if (!arrived.current) {
      arrived.current = true;
      setLeftAt(readSeq);
    }
    if (visible && atBottom && !openingAt.current) pageReadPositions().markRead(room, newestSeq);
  }, [joined, positionsReady, visible, atBottom, room, newestSeq, readSeq]);

  useEffect(() => {
    if (!visible && arrived.current) setLeftAt(readSeq);
  }, [visible, readSeq]);

  const dividerSeq = firstUnreadSeq(timeline.messages, leftAt, me);
  const unread = unreadCount(timeline.messages, readSeq, me);

  useEffect(() => {
    document.title = titleWithUnread(document.title, visible ? 0 : unread);
  }, [visible, unread]);
  useEffect(
    () => () => {
      document.title = titleWithUnread(document.title, 0);
    },
    [],
  );

  // --- writing: the room's draft, the message box ---
  const [draft, setDraft] = useDraft(room);
  const composer = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (shouldFocusOnArrival()) composer.current?.focus({ preventScroll: true });
    // Fetched once the page is up, so that formatted messages rarely wait for the renderer.
    const idle = setTimeout(preloadFormatting, 0);
    return () => clearTimeout(idle);
  }, []);

  // --- changing messages: editing in the box, replying, deleting after asking, jumping to a quoted one ---
  const [editing, setEditing] = useState<{ id: string; text: string; original: string } | null>(
    null,
  );
  const [replyingTo, setReplyingTo] = useState<{ id: string; seq: number; name: string } | null>(
    null,
  );
  const [deleting, setDeleting] = useState<ShownMessage | null>(null);
  const [jump, setJump] = useState<{ seq: number; key: number } | null>(null);
  const composerMode: ComposerMode | null = editing
    ? { kind: "edit" }
    : replyingTo
      ? { kind: "reply", name: replyingTo.name }
      : null;

  // A message deleted while being edited (in another tab) has nothing left to edit.
  const editedGone = editing !== null && shown.some((m) => m.id === editing.id && m.deleted);
  useEffect(() => {
    if (editedGone) setEditing(null);
  }, [editedGone]);

  const startEdit = useCallback((message: ShownMessage) => {
    setReplyingTo(null);
    setEditing({ id: message.id, text: message.text, original: message.text });
    composer.current?.focus();
  }, []);

  const openDirect = useCallback(
    async (person: User) => {
      setToolError(null);
      const result = await ask(client, "dm:open", { userId: person.id });
      if (result.ok) router.push(`/chat/${result.room.name}`);
      else setToolError(result.text);
    },
    [client, router],
  );
  const moderate = powers.deleteOthers;

  // --- files: in the box, dropped on the room, and pictures opened full size ---
  const uploads = useUploads();
  const [inBox, setInBox] = useState<string[]>([]);
  const [refusedFiles, setRefusedFiles] = useState<{ name: string; reason: string }[]>([]);
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);
  const boxFiles = useMemo(
    () => ({
      list: inBox.flatMap((id) => uploads.filter((f) => f.localId === id)),
    }),
    [inBox, uploads],
  );
  const addFiles = useCallback(
    (picked: File[]) => {
      const choice = chooseFiles(picked, inBox.length, {
        maxFiles: MAX_ATTACHMENTS_PER_MESSAGE,
        maxBytes: DEFAULT_MAX_UPLOAD_BYTES,
      });
      setRefusedFiles(choice.refused);
      const added = choice.accepted.flatMap((index) => {
        const file = picked[index];
        return file ? [browserUploads().add(file)] : [];
      });
      if (added.length > 0) setInBox((ids) => [...ids, ...added]);
    },
    [inBox.length],
  );
  const removeFile = useCallback((localId: string) => {
    browserUploads().remove(localId);
    setInBox((ids) => ids.filter((id) => id !== localId));
  }, []);
  const images = useMemo(
    () => shown.flatMap((m) => (m.deleted ? [] : (m.attachments ?? []).filter(isInlineImage))),
    [shown],
  );
  const [viewing, setViewing] = useState<string | null>(null);
  const viewedFrom = useRef<HTMLElement | null>(null);
  const openImage = useCallback((attachment: Attachment) => {
    viewedFrom.current =
      document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setViewing(attachment.id);
  }, []);
  const viewingIndex = viewing ? images.findIndex((a) => a.id === viewing) : -1;
  function closeImage() {
    setViewing(null);
    const from = viewedFrom.current;
    // After the dialog has gone: while a modal dialog is open, the rest of the page cannot take focus.
    setTimeout(() => from?.focus(), 0);
  }

  const actions = useMemo<MessageItemActions | null>(() => {
    if (!changes || !me) return null;
    return {
      moderate,
      openDirect: (author) => void openDirect(author),
      reply(message) {
        setEditing(null);
        setReplyingTo({ id: message.id, seq: message.seq, name: message.author.name });
        composer.current?.focus();
      },
      edit: startEdit,
      remove: setDeleting,
      toggleReaction: (message, emoji) => changes.toggleReaction(message.id, emoji),
      reactionUsers: (message, emoji) => changes.reactionUsers(message.id, emoji),
      jumpTo(reply) {
        void changes.jumpTo(reply.seq).then((found) => {
          if (found) setJump((last) => ({ seq: reply.seq, key: (last?.key ?? 0) + 1 }));
        });
      },
      openImage,
    };
  }, [changes, me, startEdit, moderate, openDirect, openImage]);

  // A link to a message (`?at=<seq>`: a search result, a mention, a notification) opens the room there.
  const openAt = useCallback(
    async (seq: number) => {
      const found = (await changes?.jumpTo(seq)) ?? false;
      openingAt.current = false;
      if (found) setJump((last) => ({ seq, key: (last?.key ?? 0) + 1 }));
      return found;
    },
    [changes],
  );
  useOpenAt(joined, openAt, setToolError);

  function send(text: string) {
    if (!client) return;
    if (editing) {
      if (text !== editing.original) changes?.edit(editing.id, text);
      setEditing(null);
      composer.current?.focus();
      return;
    }
    const files = boxFiles.list;
    // Only spaces with files: the files are the message.
    const said = files.length > 0 && !text.trim() ? "" : text;
    if (changes)
      changes.say(said, {
        ...(replyingTo ? { replyTo: { id: replyingTo.id, seq: replyingTo.seq } } : {}),
        ...(files.length > 0 ? { files } : {}),
      });
    else client.send(said);
    setInBox([]);
    setRefusedFiles([]);
    setReplyingTo(null);
    setDraft("");
    setSentCount((n) => n + 1);
    composer.current?.focus();
  }

  function closeDeleteDialog(deleted: boolean) {
    const message = deleting;
    setDeleting(null);
    // After the dialog has gone: while a modal dialog is open, the rest of the page cannot take focus.
    setTimeout(() => {
      if (deleted || !message) {
        composer.current?.focus();
        return;
      }
      // Back to the Delete button that opened the dialog.
      document
        .querySelector<HTMLButtonElement>(
          `article[data-id="${CSS.escape(message.id)}"] button[aria-label="Delete"]`,
        )
        ?.focus();
    }, 0);
  }

  /** A message that was not sent goes back to the box, to be changed and sent again. */
  function edit(clientId: string) {
    const entry = outbox.find((e) => e.clientId === clientId);
    if (!entry || !client) return;
    setDraft(withRestored(draft, entry.text));
    // Its files this page still holds go back to the box too (with Retry, if they failed).
    const held = (entry.files ?? []).flatMap((f) =>
      browserUploads().get(f.localId) ? [f.localId] : [],
    );
    if (held.length > 0) setInBox((ids) => [...ids, ...held.filter((id) => !ids.includes(id))]);
    client.discard(clientId);
    composer.current?.focus();
  }

  // --- what the person does ---
  async function rename(name: string): Promise<string | null> {
    if (!client) return NOT_CONNECTED_TEXT;
    const result = await client.rename(name);
    if (!result) return NO_ANSWER_TEXT;
    return result.ok ? null : errorText(result.error);
  }

  const loadOlder = useCallback(async () => {
    if (!client) return false;
    const before = client.getSnapshot().timeline.messages[0]?.seq;
    await client.loadOlder();
    return client.getSnapshot().timeline.messages[0]?.seq !== before;
  }, [client]);

  async function chooseTool(chosen: RoomTool) {
    if (chosen === "claim") {
      // The room's settings come back in `room:updated`; the menu then offers the owner's tools.
      setToolError(null);
      const claimed = await ask(client, "room:claim", { room });
      if (!claimed.ok) setToolError(claimed.text);
      return;
    }
    if (chosen !== "leave") {
      setTool(chosen);
      return;
    }
    setToolError(null);
    const result = await ask(client, "member:leave", { room });
    if (result.ok) router.push("/");
    else setToolError(result.text);
  }
  function closeTool() {
    setTool(null);
    // After the dialog has gone, back to the menu's button: the header's, or on a phone the panel's.
    setTimeout(() => {
      const buttons = document.querySelectorAll<HTMLButtonElement>("[data-room-menu]");
      [...buttons].find((button) => button.offsetParent !== null)?.focus();
    }, 0);
  }
  const mutedUntil = muteEnd(snapshot.membership, now);

  const panel = useRef<HTMLElement>(null);
  const panelButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (panelOpen) panel.current?.focus();
  }, [panelOpen]);
  const closePanel = () => {
    setPanelOpen(false);
    panelButton.current?.focus();
  };

  if (snapshot.ended)
    return (
      <RoomOver
        end={snapshot.ended}
        accountNav={accountNav}
        onJoinAgain={() => client?.joinAgain()}
      />
    );

  return (
    <div className="flex h-dvh flex-col">
      <a
        href="#composer"
        className="sr-only rounded-md bg-indigo-700 text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-30 focus:px-3 focus:py-2"
      >
        Skip to the message box
      </a>
      {/* One line at every width and in every state: the room name gives way last. */}
      <header className="relative flex items-center justify-between gap-1.5 border-zinc-200 border-b px-2 py-2 sm:gap-4 sm:px-4 dark:border-zinc-800">
        <div className="flex min-w-0 items-center gap-1.5 sm:gap-3">
          <button
            ref={panelButton}
            type="button"
            aria-expanded={panelOpen}
            aria-controls="room-panel"
            onClick={() => setPanelOpen((open) => !open)}
            className="flex shrink-0 items-center gap-1 rounded-md border border-zinc-300 px-1.5 py-1 text-sm md:hidden dark:border-zinc-700"
          >
            <MenuIcon />
            Rooms
          </button>
          <Link
            href="/"
            className="hidden shrink-0 rounded-md font-semibold text-zinc-600 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500 sm:inline dark:text-zinc-400 dark:hover:text-zinc-100"
          >
            Scrollback
          </Link>
          <h1
            className="min-w-0 truncate font-bold text-base sm:text-lg"
            title={roomTitle(room, info)}
          >
            {info?.visibility === "private" && (
              <span title="Private: members only" className="text-zinc-600 dark:text-zinc-400">
                <LockIcon className="mr-1 inline-block size-4 align-[-2px]" />
                <span className="sr-only">Private: </span>
              </span>
            )}
            {roomTitle(room, info)}
          </h1>
          {/* A phone's header has no room for it: it is in the room panel there. */}
          <div className="max-sm:hidden">
            <RoomMenu tools={menuTools} onChoose={(chosen) => void chooseTool(chosen)} />
          </div>
          {info?.topic && (
            <p
              className="hidden min-w-0 truncate text-sm text-zinc-600 lg:block dark:text-zinc-400"
              title={info.topic}
            >
              {info.topic}
            </p>
          )}
          <ConnectionStatus status={status} waiting={pendingCount} />
        </div>
        <div className="flex min-w-0 shrink-0 items-center gap-1 sm:shrink sm:gap-3">
          {/* A phone's header has no room for it: it is in the room panel there. */}
          <div className="max-sm:hidden">
            <SearchBox requester={client} room={room} collapse={false} />
          </div>
          <NameEditor name={user?.name ?? null} onSave={rename} />
          {/* A phone's header has no room for it: it is in the room panel there. */}
          <div className="max-sm:hidden">
            <AccountNav {...accountNav} />
          </div>
        </div>
      </header>

      <div className="relative flex min-h-0 flex-1">
        <aside
          id="room-panel"
          ref={panel}
          tabIndex={-1}
          aria-label="Rooms and people"
          onKeyDown={(event) => {
            if (event.key === "Escape" && panelOpen) closePanel();
          }}
          className={`${panelOpen ? "absolute inset-0 z-20 flex" : "hidden"} w-full flex-col gap-6 overflow-y-auto bg-zinc-50 p-4 outline-none md:static md:flex md:w-60 md:shrink-0 md:border-zinc-200 md:border-r dark:bg-zinc-900 md:dark:border-zinc-800`}
        >
          {panelOpen && (
            <button
              type="button"
              onClick={closePanel}
              className="self-end rounded-md px-2 py-1 text-sm text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-500 md:hidden dark:text-indigo-300"
            >
              Close
            </button>
          )}
          <Link
            href="/"
            className="rounded-md font-semibold text-zinc-700 focus-visible:outline-2 focus-visible:outline-indigo-500 sm:hidden dark:text-zinc-300"
          >
            ← All rooms
          </Link>
          <div className="sm:hidden">
            <AccountNav {...accountNav} phone="full" />
          </div>
          <div className="sm:hidden">
            <SearchBox
              requester={client}
              room={room}
              collapse={false}
              onChosen={() => setPanelOpen(false)}
            />
          </div>
          <div className="sm:hidden">
            <RoomMenu labelled tools={menuTools} onChoose={(chosen) => void chooseTool(chosen)} />
          </div>
          <button
            type="button"
            onClick={() => setMentionsOpen(true)}
            className="w-full rounded-md border border-zinc-300 px-2 py-1 text-left font-medium text-sm hover:bg-zinc-200/70 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-zinc-700 dark:hover:bg-zinc-800/70"
          >
            <span aria-hidden="true">@ </span>Mentions
          </button>
          <RoomSwitcher current={room} currentInfo={info} rooms={rooms} />
          <OnlineList
            online={activity.online}
            me={user}
            tags={tags}
            onMessage={me ? (person) => void openDirect(person) : undefined}
          />
        </aside>

        <main
          className="relative flex min-w-0 flex-1 flex-col"
          onDragEnter={(event) => {
            if (!carriesFiles(event.dataTransfer) || editing) return;
            dragDepth.current += 1;
            setDragging(true);
          }}
          onDragOver={(event) => {
            if (!carriesFiles(event.dataTransfer) || editing) return;
            // Without this the browser would open the file instead of letting it drop here.
            event.preventDefault();
            event.dataTransfer.dropEffect = "copy";
          }}
          onDragLeave={(event) => {
            if (!carriesFiles(event.dataTransfer)) return;
            dragDepth.current = Math.max(0, dragDepth.current - 1);
            if (dragDepth.current === 0) setDragging(false);
          }}
          onDrop={(event) => {
            if (!carriesFiles(event.dataTransfer) || editing) return;
            event.preventDefault();
            dragDepth.current = 0;
            setDragging(false);
            addFiles([...event.dataTransfer.files]);
            composer.current?.focus();
          }}
        >
          {dragging && (
            <div
              aria-hidden="true"
              data-testid="drop-zone"
              className="pointer-events-none absolute inset-2 z-20 flex items-center justify-center rounded-xl border-4 border-indigo-500 border-dashed bg-indigo-50/90 font-semibold text-indigo-900 text-lg dark:bg-indigo-950/90 dark:text-indigo-100"
            >
              Drop files to attach them
            </div>
          )}
          <MessageList
            room={room}
            messages={shown}
            pending={waiting}
            me={user}
            tags={tags}
            dividerSeq={dividerSeq}
            joined={joined}
            loaded={loaded}
            hasOlder={hasOlder(timeline)}
            loadingOlder={snapshot.loadingOlder}
            onLoadOlder={loadOlder}
            hasNewer={hasNewer}
            onLoadNewer={loadNewer}
            onEdit={edit}
            onRetry={(clientId) => client?.retry(clientId)}
            onDiscard={(clientId) => {
              // Its files go with it: the page stops holding (or uploading) them.
              const entry = outbox.find((e) => e.clientId === clientId);
              for (const file of entry?.files ?? []) browserUploads().remove(file.localId);
              client?.discard(clientId);
            }}
            forceFollowKey={sentCount}
            onAtBottomChange={setAtBottom}
            now={now}
            empty={<EmptyRoom room={room} info={info} />}
            actions={actions}
            editingId={editing?.id ?? null}
            mentionNames={mentionNames}
            jump={jump}
          />
          <TypingIndicator typists={activity.typing} tags={tags} />
          <RefusedNotice refused={refused} />
          {toolError && (
            <div
              role="alert"
              className="mx-3 mb-1 flex items-center justify-between gap-2 rounded-md bg-red-50 px-3 py-1.5 text-red-800 text-sm dark:bg-red-950/50 dark:text-red-200"
            >
              <span>{toolError}</span>
              <button
                type="button"
                onClick={() => setToolError(null)}
                className="shrink-0 rounded px-1.5 font-medium underline focus-visible:outline-2 focus-visible:outline-indigo-500"
              >
                Dismiss
              </button>
            </div>
          )}
          {mutedUntil && (
            <p className="mx-3 mb-1 rounded-md bg-amber-50 px-3 py-1.5 text-amber-900 text-sm dark:bg-amber-950/50 dark:text-amber-100">
              You are muted in this room until {exactTime(mutedUntil)}: what you write is not sent
              until then.
            </p>
          )}
          {signedOut && <SignedOutNotice room={room} />}
          {status === "offline" && <OfflineNotice />}
          <Composer
            value={editing ? editing.text : draft}
            onChange={(text) => (editing ? setEditing({ ...editing, text }) : setDraft(text))}
            inputRef={composer}
            onSend={send}
            onTyping={() => {
              if (!editing) roomActivity?.typing();
            }}
            onStopTyping={() => roomActivity?.stopTyping()}
            mode={composerMode}
            files={
              editing
                ? undefined
                : {
                    list: boxFiles.list,
                    refused: refusedFiles,
                    onAdd: addFiles,
                    onCancel: (localId) => browserUploads().cancel(localId),
                    onRetry: (localId) => browserUploads().retry(localId),
                    onRemove: removeFile,
                  }
            }
            mentions={{
              members: roomMembers.members,
              more: roomMembers.more,
              mentionAll: powers.moderate,
              selfId: me,
              onWanted: () => setMentionsWanted(true),
            }}
            onCancelMode={() => {
              setEditing(null);
              setReplyingTo(null);
            }}
            onEditLast={
              changes
                ? () => {
                    const last = lastEditable(shown, me);
                    if (last) startEdit(last);
                  }
                : undefined
            }
          />
          {viewingIndex >= 0 && (
            <ImageDialog
              images={images}
              index={viewingIndex}
              onStep={(index) => setViewing(images[index]?.id ?? null)}
              onClose={closeImage}
            />
          )}
          {tool === "notifications" && (
            <NotificationsDialog room={room} client={client} onClose={closeTool} />
          )}
          {tool === "invite" && <InviteDialog room={room} client={client} onClose={closeTool} />}
          {mentionsOpen && (
            <MentionsDialog client={client} onClose={() => setMentionsOpen(false)} />
          )}
          {tool === "members" && (
            <MembersDialog
              room={room}
              client={client}
              me={me}
              rank={powers.rank}
              moderate={powers.moderate}
              membersRev={snapshot.membersRev}
              onClose={closeTool}
            />
          )}
          {tool === "settings" && info && (
            <RoomSettingsDialog
              info={info}
              client={client}
              onClose={closeTool}
              onDeleted={() => router.push("/")}
            />
          )}
          {tool === "audit" && <AuditLogDialog room={room} client={client} onClose={closeTool} />}
          {deleting && (
            <DeleteDialog
              onConfirm={() => {
                changes?.remove(deleting.id);
                closeDeleteDialog(true);
              }}
              onCancel={() => closeDeleteDialog(false)}
            />
          )}
        </main>
      </div>
    </div>
  );
}

const REFUSED_WHAT: Record<string, string> = {
  edit: "Your edit was not saved",
  delete: "The message was not deleted",
  react: "Your reaction was not added",
  unreact: "Your reaction was not taken back",
};

/**
 * A change of the person's that the server refused (the message was deleted
 * meanwhile, say): said once, in words, until dismissed or replaced by the
 * next. What the timeline shows is already back to what is stored.
 */
function RefusedNotice({ refused }: { refused: RoomSnapshot["refused"] }) {
  const [dismissed, setDismissed] = useState<RoomSnapshot["refused"]>(null);
  if (!refused || refused === dismissed) return null;
  const what = REFUSED_WHAT[refused.operation.kind ?? "send"] ?? "Not sent";
  return (
    <div
      role="alert"
      className="mx-3 mb-1 flex items-center justify-between gap-2 rounded-md bg-red-50 px-3 py-1.5 text-red-800 text-sm dark:bg-red-950/50 dark:text-red-200"
    >
      <span>
        {what}: {errorText(refused.error)}
      </span>
      <button
        type="button"
        onClick={() => setDismissed(refused)}
        className="shrink-0 rounded px-1.5 font-medium underline focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        Dismiss
      </button>
    </div>
  );
}

/** This page's session was ended elsewhere: the server will not take its socket back. */
function SignedOutNotice({ room }: { room: string }) {
  return (
    <div
      role="alert"
      className="mx-3 mb-1 rounded-md bg-amber-50 px-3 py-1.5 text-amber-900 text-sm dark:bg-amber-950/50 dark:text-amber-100"
    >
      You were signed out: this session was ended, here or on another device.{" "}
      <Link
        href={`/sign-in?next=${encodeURIComponent(`/chat/${room}`)}`}
        className="font-medium underline focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        Sign in again
      </Link>
    </div>
  );
}

/**
 * The room is over for this person while its page was open: removed,
 * deleted, or refused. Nothing of it stays: no messages, no names, no list
 * of who is there. A person kicked from a public room may come back.
 */
function RoomOver({
  end,
  accountNav,
  onJoinAgain,
}: {
  end: RoomEnd;
  accountNav: Parameters<typeof AccountNav>[0];
  onJoinAgain: () => void;
}) {
  const canJoinAgain = (end.kind === "removed" || end.kind === "left") && end.canJoinAgain;
  return (
    <div className="flex min-h-dvh flex-col">
      <SiteHeader accountNav={accountNav} />
      <main className="flex flex-1 flex-col">
        <RoomRefused
          title={ROOM_END_TEXT[end.kind]}
          detail={
            end.kind === "not-member" && end.reason !== `${ROOM_END_TEXT[end.kind]}.`
              ? end.reason
              : undefined
          }
        >
          {canJoinAgain && (
            <button
              type="button"
              onClick={onJoinAgain}
              className="rounded-lg bg-indigo-700 px-4 py-2 font-medium text-sm text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:bg-indigo-600 dark:hover:bg-indigo-500"
            >
              Join again
            </button>
          )}
        </RoomRefused>
      </main>
    </div>
  );
}

function EmptyRoom({ room, info }: { room: string; info: RoomInfo | null }) {
  const title = roomTitle(room, info);
  return (
    <div className="flex flex-col items-center gap-2 px-6 py-16 text-center">
      <div
        aria-hidden="true"
        className="flex size-12 items-center justify-center rounded-full bg-indigo-100 text-2xl dark:bg-indigo-950"
      >
        👋
      </div>
      <p className="font-semibold">
        {info?.directWith ? `No messages with ${title} yet` : `No messages in ${title} yet`}
      </p>
      <p className="max-w-sm text-sm text-zinc-600 dark:text-zinc-400">
        {info?.directWith
          ? `Say hello: only ${title} and you can read this conversation.`
          : info?.visibility === "private"
            ? `Say hello: the members of ${title} will see it, now or later.`
            : `Say hello: everyone who opens ${title} will see it, now or later.`}
      </p>
    </div>
  );
}

function MenuIcon() {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      className="size-4"
    >
      <path d="M2.5 4h11M2.5 8h11M2.5 12h11" />
    </svg>
  );
}

/** Whether a drag holds files (not text or a link being dragged about the page). */
function carriesFiles(data: DataTransfer | null): boolean {
  return data?.types.includes("Files") ?? false;
}
