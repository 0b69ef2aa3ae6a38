import type {
  ChatMessage,
  MemberChange,
  ReactionUsersResult,
  ReplyRef,
  RequestEvent,
  RequestOf,
  Result,
  ResultOf,
  RoomUpdate,
  SessionInfo,
} from "../shared/protocol";
import type { NetworkStatus } from "./network";
import {
  asPending,
  type ChangeRequest,
  isSend,
  newClientId,
  nextCreatedAt,
  type OutboxEntry,
  type OutboxOperation,
  type OutboxStorage,
  plan,
  staleAfterDelete,
} from "./outbox";
import { outboxOfIdentity } from "./outbox-identity";
import { OutboxSender, type SenderFiles } from "./outbox-sender";
import { endFromChange, endFromRefusal, membershipAfter, type RoomEnd } from "./room-membership";
import { type RoomSnapshot, RoomStore } from "./room-store";
import { type RoomContext, SyncEngine } from "./sync-engine";
import { emptyTimeline } from "./timeline";
import { type ChatClientSocket, lastSession, type Transport, transportFor } from "./transport";
import type { PendingFile } from "./upload-state";

export type { RoomEnd } from "./room-membership";
export type { RefusedChange, RoomSnapshot } from "./room-store";
export type { ChatClientSocket, ConnectionStatus } from "./transport";

export type RoomClientOptions = {
  /** How long a request may go unanswered before it is treated as lost and retried. */
  requestTimeoutMs?: number;
  /** Pause before retrying after a timeout, an `unavailable` answer or a refused connection. */
  retryDelayMs?: number;
  /** The browser's word on whether there is a network (the `online` and `offline` events). */
  network?: NetworkStatus;
  /** The page's uploads (uploads.ts); without them a message cannot carry files still uploading. */
  uploads?: RoomUploads;
};

/** What a room needs of the page's uploads: the sender's view, news of changes, and Retry. */
export type RoomUploads = SenderFiles & {
  subscribe(listener: () => void): () => void;
  getSnapshot(): readonly PendingFile[];
  retry(localId: string): void;
  /** Forgets a file once its message is stored: the page need not hold its bytes any longer. */
  remove(localId: string): void;
  /** Keeps a file's bytes across a reload (file-vault.ts): a message in the outbox names it. */
  persist?(localId: string): void;
};

/**
 * One room on the page's socket, as the components use it: the room's store
 * (`subscribe`, `getSnapshot`), its sync engine (join, pages, catch-up over
 * seq and rev, jumps) and its outbox sender (operations applied in order),
 * over the socket's shared transport. This class only wires them and turns
 * what the person does into outbox operations.
 *
 * Work begun on one connection never acts on the next: every request is tagged
 * with the connection it was made on, and answers that arrive after a
 * reconnect only ever add messages, they change no state.
 */
export class RoomClient {
  private readonly store: RoomStore;
  private readonly transport: Transport;
  /** Replaced when the person joins again after being removed: a fresh start, nothing carried over. */
  private engine: SyncEngine;
  private readonly context: RoomContext;
  private readonly sender: OutboxSender;
  private readonly cleanups: (() => void)[] = [];
  /** Counts connections, so that work begun on an old one does not act on a new one. */
  private connection = 0;
  /** The browser's outbox as the connection's identity sees it. */
  private readonly storage: OutboxStorage;
  private readonly uploads: RoomUploads | undefined;

  constructor(
    private readonly socket: ChatClientSocket,
    readonly room: string,
    browserStorage: OutboxStorage,
    options: RoomClientOptions = {},
  ) {
    this.transport = transportFor(socket, options);
    this.uploads = options.uploads;
    const storage = outboxOfIdentity(
      browserStorage,
      () => this.store?.state.user?.id ?? lastSession(socket)?.user.id,
    );
    this.storage = storage;
    this.store = new RoomStore(room, this.transport.status(), storage.load(room));
    const session = lastSession(socket);
    if (session) this.store.update(fromSession(session));
    const context: RoomContext = {
      room,
      transport: this.transport,
      store: this.store,
      retryDelayMs: options.retryDelayMs ?? this.transport.options.retryDelayMs,
      connection: () => this.connection,
      myId: () => this.store.state.user?.id,
      onJoined: () => void this.sender.flush(),
      onMessages: (messages) => this.settleOutbox(messages),
      onJoinAnswer: ({ info, membership }) => {
        // An older server's answer has neither: what is known stays.
        if (info) this.store.update({ info, membership: membership ?? null });
      },
      onMemberChanges: (changes) => this.onMemberChanges(changes),
      onRefused: (error) => {
        const end = endFromRefusal(error);
        if (end) this.end(end);
      },
    };
    this.context = context;
    this.engine = new SyncEngine(context);
    this.sender = new OutboxSender({
      ...context,
      storage,
      acknowledged: (message) => this.engine.receiveLive(message),
      rejoin: (connection) => void this.engine.join(connection),
      refresh: () => this.refreshOutbox(),
      delivered: (operation) => this.releaseFiles(operation),
      ...(options.uploads ? { files: options.uploads } : {}),
    });
  }

  // --- store protocol for React's useSyncExternalStore ---

  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);

  getSnapshot = (): RoomSnapshot => this.store.getSnapshot();

  /** The rev up to which this client reflects every change of the room. */
  get contiguousRev(): number {
    return this.engine.contiguousRev;
  }

  // --- lifecycle ---

  start(): void {
    const { socket } = this;
    const onSession = (session: SessionInfo) => {
      const changed = session.user.id !== this.store.state.user?.id;
      this.store.update(fromSession(session));
      // Someone else on this browser now: the outbox shows (and sends) theirs.
      if (changed) this.refreshOutbox();
    };
    const onCreated = (message: ChatMessage) => {
      if (message.room === this.room) this.engine.receiveLive(message);
    };
    const onUpdated: Parameters<typeof socket.on<"message:updated">>[1] = (update) => {
      if (update.room === this.room) this.engine.receiveUpdate(update);
    };
    const onMemberChanged = (change: MemberChange) => {
      if (change.room !== this.room) return;
      const { ended, user } = this.store.state;
      if (!ended) this.engine.receiveMemberChange(change);
      // Added (or let back) while the page said the room was not theirs: it opens.
      else if (ended.kind === "not-member" && change.user.id === user?.id && change.role !== null)
        this.joinAgain();
    };
    const onRoomUpdated = (update: RoomUpdate) => {
      if (update.name !== this.room || this.store.state.ended) return;
      if (update.deleted) {
        this.end({ kind: "deleted" });
        return;
      }
      const { deleted: _, ...info } = update;
      this.store.update({ info });
    };
    socket.on("session", onSession);
    socket.on("message:created", onCreated);
    socket.on("message:updated", onUpdated);
    socket.on("member:changed", onMemberChanged);
    socket.on("room:updated", onRoomUpdated);
    this.cleanups.push(() => {
      socket.off("session", onSession);
      socket.off("message:created", onCreated);
      socket.off("message:updated", onUpdated);
      socket.off("member:changed", onMemberChanged);
      socket.off("room:updated", onRoomUpdated);
    });
    this.cleanups.push(
      this.transport.attach(this.room, {
        onConnect: () => this.onConnect(),
        onDisconnect: () => {
          this.connection++;
          this.store.update({ joined: false, status: this.transport.status() });
        },
        onStatus: () => this.store.update({ status: this.transport.status() }),
      }),
    );
    this.cleanups.push(this.storage.subscribe(this.room, () => this.onOutboxChanged()));
    const { uploads } = this;
    if (uploads) {
      // Only a file that settles can let a waiting message go; progress reports cannot.
      let settled = settledKey(uploads.getSnapshot());
      this.cleanups.push(
        uploads.subscribe(() => {
          const next = settledKey(uploads.getSnapshot());
          if (next === settled) return;
          settled = next;
          this.refreshOutbox();
          void this.sender.flush();
        }),
      );
    }
    if (socket.connected) this.onConnect();
  }

  stop(): void {
    this.connection++;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.store.clear();
  }

  private onConnect(): void {
    // A room that is over stays over across reconnects: only "Join again" asks for it.
    if (this.store.state.ended) return;
    const connection = ++this.connection;
    this.store.update({ joined: false, status: this.transport.status() });
    void this.engine.join(connection);
  }

  // --- membership ---

  private onMemberChanges(changes: readonly MemberChange[]): void {
    const me = this.store.state.user?.id;
    for (const change of changes) {
      const { membership, membersRev, info } = this.store.state;
      this.store.update({
        membership: membershipAfter(membership, change, me),
        membersRev: Math.max(membersRev, change.rev),
      });
      const end = endFromChange(change, me, info?.visibility);
      if (end) {
        this.end(end);
        return;
      }
    }
  }

  /**
   * The room is over for this person: the engine stops (work in flight finds
   * its connection gone) and nothing of the room is kept to be shown. The
   * server has already taken the socket out of the room.
   */
  private end(end: RoomEnd): void {
    if (this.store.state.ended) return;
    this.connection++;
    this.store.update({
      ended: end,
      joined: false,
      timeline: emptyTimeline,
      hasNewer: false,
      membership: null,
      refused: null,
    });
  }

  /** After a kick from a public room (`ended.canJoinAgain`): joins afresh, as a first visit. */
  joinAgain(): void {
    if (!this.store.state.ended) return;
    this.engine = new SyncEngine(this.context);
    this.store.update({ ended: null });
    if (this.socket.connected) this.onConnect();
  }

  /** Any request about the room or its people, on the page's socket; null when unanswered. */
  request<E extends RequestEvent>(
    event: E,
    payload: RequestOf<E>,
  ): Promise<Result<ResultOf<E>> | null> {
    return this.transport.request(event, payload);
  }

  // --- what the person does ---

  /**
   * Writes a message, a reply when `replyTo` names the message it answers,
   * with the page's uploads `files` (finished or not: the outbox waits).
   */
  say(text: string, options: { replyTo?: ReplyRef; files?: readonly PendingFile[] } = {}): void {
    const files = (options.files ?? []).map((f) => ({
      localId: f.localId,
      name: f.name,
      size: f.size,
      type: f.attachment?.type ?? f.type,
      ...(f.attachment ? { attachment: f.attachment } : {}),
    }));
    const unfinished = files.some((f) => !f.attachment);
    const entry: OutboxEntry = {
      clientId: newClientId(),
      room: this.room,
      text,
      createdAt: nextCreatedAt(this.storage.load(this.room), Date.now()),
      state: "pending",
      ...(options.replyTo ? { replyTo: { id: options.replyTo.id, seq: options.replyTo.seq } } : {}),
      ...(files.length > 0 ? { files } : {}),
      ...(unfinished && this.uploads ? { page: this.uploads.page } : {}),
    };
    // Persisted before anything is sent: a reload from here on still delivers it.
    this.storage.put(entry);
    for (const file of files) if (!file.attachment) this.uploads?.persist?.(file.localId);
    this.refreshOutbox();
    void this.sender.flush();
  }

  /** `say` without options, as components called it before replies. */
  send(text: string): void {
    this.say(text);
  }

  edit(id: string, text: string): void {
    this.change({ kind: "edit", id, text });
  }

  /** Deletes the message (`message:delete`). */
  remove(id: string): void {
    this.change({ kind: "delete", id });
  }

  react(id: string, emoji: string): void {
    this.change({ kind: "react", id, emoji });
  }

  unreact(id: string, emoji: string): void {
    this.change({ kind: "unreact", id, emoji });
  }

  /** Adds this person's reaction, or takes it back if the message shows it as theirs. */
  toggleReaction(id: string, emoji: string): void {
    const shown = this.store.state.shown.find((m) => m.id === id);
    const mine = shown?.reactions.some((r) => r.emoji === emoji && r.me) ?? false;
    if (mine) this.unreact(id, emoji);
    else this.react(id, emoji);
  }

  /** Who reacted with that emoji, asked when the person looks; fails when the server cannot say now. */
  async reactionUsers(id: string, emoji: string): Promise<ReactionUsersResult> {
    const result = await this.transport.request("reaction:users", { room: this.room, id, emoji });
    if (!result) throw new Error("The server did not answer; try again.");
    if (!result.ok) throw new Error(result.error.message);
    return { users: result.users, count: result.count };
  }

  /** Loads the message with that seq if it is not held; true when it is held afterwards. */
  jumpTo(seq: number): Promise<boolean> {
    return this.engine.jumpTo(seq);
  }

  loadOlder(): Promise<void> {
    return this.engine.loadOlder();
  }

  /** After a jump (`snapshot.hasNewer`): the next page of newer messages. */
  loadNewer(): Promise<void> {
    return this.engine.loadNewer();
  }

  retry(clientId: string): void {
    const entry = this.storage.load(this.room).find((e) => e.clientId === clientId);
    if (entry) this.storage.put(asPending(entry));
    // Files that failed to upload go again, from the offset the server holds.
    if (entry && isSend(entry))
      for (const file of entry.files ?? []) if (!file.attachment) this.uploads?.retry(file.localId);
    this.refreshOutbox();
    void this.sender.flush();
  }

  discard(clientId: string): void {
    this.storage.remove(this.room, clientId);
    this.refreshOutbox();
  }

  /** Resolves with the server's answer; `null` when it did not answer in time. */
  rename(name: string): Promise<Result<ResultOf<"user:rename">> | null> {
    return this.transport.request("user:rename", { name });
  }

  // --- outbox ---

  private change(request: ChangeRequest): void {
    const existing = this.storage.load(this.room);
    const { remove, add } = plan(existing, request);
    for (const clientId of remove) this.storage.remove(this.room, clientId);
    if (add)
      this.storage.put({
        ...add,
        clientId: newClientId(),
        room: this.room,
        createdAt: nextCreatedAt(existing, Date.now()),
        state: "pending",
      });
    this.refreshOutbox();
    void this.sender.flush();
  }

  private releaseFiles(operation: OutboxOperation | undefined): void {
    if (!operation || !isSend(operation)) return;
    for (const file of operation.files ?? []) this.uploads?.remove(file.localId);
  }

  private refreshOutbox(): void {
    this.store.setOperations(this.storage.load(this.room));
  }

  private onOutboxChanged(): void {
    this.refreshOutbox();
    void this.sender.flush();
  }

  /**
   * Messages that arrived settle the outbox: our stored sends leave it,
   * whichever tab or retry delivered them; and anything still waiting on a
   * message now deleted is purged, so none of its text stays in storage.
   */
  private settleOutbox(messages: readonly ChatMessage[]): void {
    const operations = this.store.pendingOperations;
    if (operations.length === 0) return;
    const me = this.store.state.user?.id;
    const waiting = new Set(operations.filter(isSend).map((e) => e.clientId));
    const stale: string[] = [];
    for (const message of messages) {
      if (me && message.author.id === me && waiting.has(message.clientId)) {
        stale.push(message.clientId);
        this.releaseFiles(operations.find((e) => e.clientId === message.clientId));
      }
      if (message.deleted) stale.push(...staleAfterDelete(operations, message.id));
    }
    if (stale.length === 0) return;
    for (const clientId of stale) this.storage.remove(this.room, clientId);
    this.refreshOutbox();
  }
}

/** Changes only when some file's status does. */
function settledKey(files: readonly PendingFile[]): string {
  return files.map((f) => `${f.localId}:${f.status}`).join(",");
}

/** What the room keeps of the connection's session: who the person is, and whether an admin. */
function fromSession(session: SessionInfo): Pick<RoomSnapshot, "user" | "admin"> {
  return { user: session.user, admin: session.account?.role === "admin" };
}
