import type { Socket } from "socket.io-client";
import type { ProtocolError } from "../shared/errors";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/limits";
import type {
  ChatMessage,
  ClientToServerEvents,
  RequestEvent,
  RequestOf,
  Result,
  ResultOf,
  ServerToClientEvents,
  User,
} from "../shared/protocol";
import { alwaysOnline, type NetworkStatus } from "./network";
import {
  asFailed,
  asPending,
  newClientId,
  nextCreatedAt,
  type OutboxEntry,
  type OutboxStorage,
} from "./outbox";
import {
  emptyTimeline,
  mergeMessages,
  missingAfter,
  noteLatestSeq,
  noteRoomStart,
  type Timeline,
} from "./timeline";

export type ChatClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The socket's state, or `offline` while the browser says it has no network at all. */
export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "offline";
type LinkStatus = Exclude<ConnectionStatus, "offline">;

export type RoomSnapshot = {
  room: string;
  status: ConnectionStatus;
  user: User | null;
  /** True once the room's history has been received on the current connection. */
  joined: boolean;
  timeline: Timeline;
  /** This browser's unacknowledged messages for the room, oldest first. */
  outbox: readonly OutboxEntry[];
  loadingOlder: boolean;
};

export type RoomClientOptions = {
  /** How long a request may go unanswered before it is treated as lost and retried. */
  requestTimeoutMs?: number;
  /** Pause before retrying after a timeout, an `unavailable` answer or a refused connection. */
  retryDelayMs?: number;
  /** The browser's word on whether there is a network (the `online` and `offline` events). */
  network?: NetworkStatus;
};

const DEFAULT_OPTIONS: Required<RoomClientOptions> = {
  requestTimeoutMs: 8_000,
  retryDelayMs: 1_000,
  network: alwaysOnline,
};

/**
 * Errors that go away by waiting: the same message is sent again later. Any
 * other refusal (invalid, too long, an internal error, a code this client does
 * not know) marks the message failed, for the person to retry or discard.
 */
const TRANSIENT_SEND_ERRORS = new Set<ProtocolError["code"]>(["rate_limited", "unavailable"]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One room seen through one socket: joins on every (re)connect, catches up on
 * what it missed, fills gaps it notices, and delivers the outbox in order
 * until each message is acknowledged. The view is `getSnapshot()`; merging is
 * left to the pure timeline module, storage to the outbox.
 *
 * Work begun on one connection never acts on the next: every request is tagged
 * with the connection it was made on, and answers that arrive after a
 * reconnect only ever add messages, they change no state.
 */
export class RoomClient {
  private snapshot: RoomSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: (() => void)[] = [];
  private readonly options: Required<RoomClientOptions>;
  /** Counts connections, so that work begun on an old one does not act on a new one. */
  private connection = 0;
  /** The connection whose outbox flush or catch-up is running, if any: one of each per connection. */
  private flushingOn: number | null = null;
  private catchingUpOn: number | null = null;
  /**
   * Set by the first successful join. From then on the timeline holds everything
   * up to its contiguousSeq (0 for a room that was empty), so a reconnect asks
   * only for what came after, however much that is.
   */
  private synced = false;
  private stopped = false;
  private link: LinkStatus = "connecting";

  constructor(
    private readonly socket: ChatClientSocket,
    readonly room: string,
    private readonly storage: OutboxStorage,
    options: RoomClientOptions = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.snapshot = {
      room,
      status: this.options.network.online() ? "connecting" : "offline",
      user: null,
      joined: false,
      timeline: emptyTimeline,
      outbox: storage.load(room),
      loadingOlder: false,
    };
  }

  // --- store protocol for React's useSyncExternalStore ---

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RoomSnapshot => this.snapshot;

  /** Offline outranks whatever the socket believes: a dead link can look open for a minute. */
  private setLink(link: LinkStatus, patch: Partial<RoomSnapshot> = {}): void {
    this.link = link;
    this.update({ ...patch, status: this.options.network.online() ? link : "offline" });
  }

  private update(patch: Partial<RoomSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }

  // --- lifecycle ---

  start(): void {
    const { socket } = this;
    const { network } = this.options;
    const reconnectLater = () => {
      setTimeout(() => {
        if (!this.stopped && !socket.active && network.online()) socket.connect();
      }, this.options.retryDelayMs);
    };
    const onConnect = () => this.onConnect();
    const onDisconnect = (reason: string) => {
      this.connection++;
      this.setLink("reconnecting", { joined: false });
      // Socket.IO does not reconnect by itself after the server closed the socket.
      if (reason === "io server disconnect") reconnectLater();
    };
    const onConnectError = () => {
      // A refusal by the server's middleware ends Socket.IO's own retries.
      if (!socket.active) reconnectLater();
    };
    const onSession = ({ user }: { user: User }) => this.update({ user });
    const onMessage = (message: ChatMessage) => {
      if (message.room === this.room) this.receive([message]);
    };
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    socket.on("connect_error", onConnectError);
    socket.on("session", onSession);
    socket.on("message:created", onMessage);
    this.cleanups.push(() => {
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
      socket.off("connect_error", onConnectError);
      socket.off("session", onSession);
      socket.off("message:created", onMessage);
    });
    this.cleanups.push(this.storage.subscribe(this.room, () => this.onOutboxChanged()));
    this.cleanups.push(network.subscribe(() => this.onNetworkChanged()));
    if (socket.connected) this.onConnect();
  }

  stop(): void {
    this.stopped = true;
    this.connection++;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.listeners.clear();
  }

  // --- what the person does ---

  send(text: string): void {
    const entry: OutboxEntry = {
      clientId: newClientId(),
      room: this.room,
      text,
      createdAt: nextCreatedAt(this.storage.load(this.room), Date.now()),
      state: "pending",
    };
    // Persisted before anything is sent: a reload from here on still delivers it.
    this.storage.put(entry);
    this.refreshOutbox();
    void this.flush();
  }

  retry(clientId: string): void {
    const entry = this.storage.load(this.room).find((e) => e.clientId === clientId);
    if (entry) this.storage.put(asPending(entry));
    this.refreshOutbox();
    void this.flush();
  }

  discard(clientId: string): void {
    this.storage.remove(this.room, clientId);
    this.refreshOutbox();
  }

  async loadOlder(): Promise<void> {
    const oldest = this.snapshot.timeline.messages[0];
    if (!oldest || oldest.seq <= 1 || this.snapshot.loadingOlder) return;
    this.update({ loadingOlder: true });
    try {
      const result = await this.request("history:before", {
        room: this.room,
        before: oldest.seq,
        limit: DEFAULT_PAGE_SIZE,
      });
      if (result?.ok) this.receive(result.messages);
    } finally {
      this.update({ loadingOlder: false });
    }
  }

  /** Resolves with the server's answer; `null` when it did not answer in time. */
  rename(name: string): Promise<Result<ResultOf<"user:rename">> | null> {
    return this.request("user:rename", { name });
  }

  // --- protocol ---

  private isCurrent(connection: number): boolean {
    return connection === this.connection;
  }

  /**
   * Offline: nothing can be sent, so the socket is closed rather than left to
   * a heartbeat that takes most of a minute to notice (engine.io closes it by
   * itself too, except on localhost). Back online: connect now rather than
   * when the reconnection backoff next fires, seconds later.
   */
  private onNetworkChanged(): void {
    const { socket } = this;
    if (!this.options.network.online()) socket.disconnect();
    else if (!socket.connected) {
      // Disconnecting first cancels the pending backoff timer.
      socket.disconnect();
      socket.connect();
    }
    this.setLink(this.link);
  }

  private onConnect(): void {
    const connection = ++this.connection;
    this.setLink("connected", { joined: false });
    void this.join(connection);
  }

  private async join(connection: number): Promise<void> {
    while (this.isCurrent(connection)) {
      const since = this.synced ? this.snapshot.timeline.contiguousSeq : undefined;
      // Once synced only what came after is asked for; before that, the newest page.
      const result = await this.request("room:join", {
        room: this.room,
        ...(since === undefined ? { limit: DEFAULT_PAGE_SIZE } : { since, limit: MAX_PAGE_SIZE }),
      });
      if (!this.isCurrent(connection)) return;
      if (result?.ok) {
        this.synced = true;
        // A first page with nothing before it shows the room from its start: any
        // seq not held from 1 on is missing, even while the room is still empty.
        if (since === undefined && !result.hasMore)
          this.update({ timeline: noteRoomStart(this.snapshot.timeline) });
        this.receive(result.messages, result.latestSeq);
        this.update({ joined: true });
        // Sending does not wait for a long catch-up: acks merge like any other message.
        void this.catchUp();
        void this.flush();
        return;
      }
      await sleep(this.retryDelay(result));
    }
  }

  /** Merges messages from any source, then fetches whatever gap they reveal. */
  private receive(messages: readonly ChatMessage[], latestSeq = 0): void {
    const timeline = noteLatestSeq(mergeMessages(this.snapshot.timeline, messages), latestSeq);
    if (timeline !== this.snapshot.timeline) this.update({ timeline });
    this.forgetDelivered(messages);
    if (this.snapshot.joined && missingAfter(timeline) !== null) void this.catchUp();
  }

  /**
   * Fetches pages after the highest contiguous seq until nothing known is
   * missing. Live messages that arrive meanwhile are merged as they come; the
   * loop looks at the timeline afresh before every page.
   */
  private async catchUp(): Promise<void> {
    const connection = this.connection;
    if (this.catchingUpOn === connection) return;
    this.catchingUpOn = connection;
    try {
      while (this.isCurrent(connection) && this.snapshot.joined) {
        const after = missingAfter(this.snapshot.timeline);
        if (after === null) return;
        const result = await this.request("history:after", {
          room: this.room,
          after,
          limit: MAX_PAGE_SIZE,
        });
        if (result?.ok) {
          this.receive(result.messages);
          // A page that does not move the timeline on would be asked for again forever.
          if (this.snapshot.timeline.contiguousSeq <= after) return;
        } else if (this.isCurrent(connection)) {
          await sleep(this.retryDelay(result));
        }
      }
    } finally {
      if (this.catchingUpOn === connection) this.catchingUpOn = null;
    }
  }

  /** Sends pending outbox entries one at a time, oldest first, until each is acknowledged. */
  private async flush(): Promise<void> {
    const connection = this.connection;
    if (this.flushingOn === connection) return;
    this.flushingOn = connection;
    try {
      while (this.isCurrent(connection) && this.snapshot.joined) {
        // Read afresh every time: another tab may have delivered, failed or discarded entries.
        const entry = this.storage.load(this.room).find((e) => e.state === "pending");
        if (!entry) return;
        const result = await this.request("message:send", {
          room: this.room,
          text: entry.text,
          clientId: entry.clientId,
        });
        if (result?.ok) {
          this.storage.remove(this.room, entry.clientId);
          this.refreshOutbox();
          this.receive([result.message]);
        } else if (!this.isCurrent(connection)) {
          // The new connection sends the entry again; this answer settles nothing.
          return;
        } else if (result === null) {
          // No answer: the message may or may not be stored. Resending with the
          // same clientId is safe either way.
          await sleep(this.options.retryDelayMs);
        } else if (result.error.code === "not_joined") {
          this.update({ joined: false });
          void this.join(connection);
          return;
        } else if (TRANSIENT_SEND_ERRORS.has(result.error.code)) {
          await sleep(this.retryDelay(result));
        } else {
          this.markFailed(entry.clientId, result.error);
        }
      }
    } finally {
      if (this.flushingOn === connection) this.flushingOn = null;
    }
  }

  /** How long to wait before asking again after a failed request. */
  private retryDelay(result: Result<object> | null): number {
    return (result && !result.ok && result.error.retryAfterMs) || this.options.retryDelayMs;
  }

  /**
   * Resolves with the server's answer; `null` when there was none: not
   * connected, timed out, or the connection dropped while waiting.
   */
  private async request<E extends RequestEvent>(
    event: E,
    payload: RequestOf<E>,
  ): Promise<Result<ResultOf<E>> | null> {
    // Socket.IO would buffer an emit made while disconnected and send it after the
    // next connect, ahead of the join; only this client decides what to resend.
    if (!this.socket.connected) return null;
    try {
      const emitter = this.socket.timeout(this.options.requestTimeoutMs) as unknown as {
        emitWithAck(event: E, payload: RequestOf<E>): Promise<Result<ResultOf<E>>>;
      };
      return await emitter.emitWithAck(event, payload);
    } catch {
      return null;
    }
  }

  // --- outbox ---

  private refreshOutbox(): void {
    this.update({ outbox: this.storage.load(this.room) });
  }

  private onOutboxChanged(): void {
    this.refreshOutbox();
    void this.flush();
  }

  private markFailed(clientId: string, error: ProtocolError): void {
    // Another tab may have delivered or discarded it meanwhile; do not bring it back.
    const entry = this.storage.load(this.room).find((e) => e.clientId === clientId);
    if (entry) this.storage.put(asFailed(entry, error));
    this.refreshOutbox();
  }

  /** Stored messages of ours leave the outbox, whichever tab or retry delivered them. */
  private forgetDelivered(messages: readonly ChatMessage[]): void {
    const me = this.snapshot.user?.id;
    if (!me || this.snapshot.outbox.length === 0) return;
    const waiting = new Set(this.snapshot.outbox.map((e) => e.clientId));
    let changed = false;
    for (const message of messages) {
      if (message.author.id !== me || !waiting.has(message.clientId)) continue;
      this.storage.remove(this.room, message.clientId);
      changed = true;
    }
    if (changed) this.refreshOutbox();
  }
}
