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
import {
  newClientId,
  type OutboxEntry,
  type OutboxStorage,
  withEntry,
  withoutEntry,
  withState,
} from "./outbox";
import {
  emptyTimeline,
  mergeMessages,
  missingAfter,
  noteLatestSeq,
  type Timeline,
} from "./timeline";

export type ChatClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ConnectionStatus = "connecting" | "connected" | "reconnecting";

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

/** How long a request may go unanswered before it is treated as lost and retried. */
const REQUEST_TIMEOUT_MS = 8_000;
/** Pause before retrying after a timeout or an `unavailable` answer. */
const RETRY_DELAY_MS = 1_000;
/** Upper bound on catch-up requests in one go; each fetches a full page. */
const MAX_CATCH_UP_PAGES = 500;

/** Errors after which resending the same message can never succeed. */
const PERMANENT_SEND_ERRORS = new Set<ProtocolError["code"]>([
  "invalid_payload",
  "invalid_room",
  "empty_message",
  "message_too_long",
  "internal",
]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One room seen through one socket: joins on every (re)connect, catches up on
 * what it missed, fills gaps it notices, and delivers the outbox in order
 * until each message is acknowledged. The view is `getSnapshot()`; merging is
 * left to the pure timeline module, storage to the outbox.
 */
export class RoomClient {
  private snapshot: RoomSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: (() => void)[] = [];
  /** Counts connections, so that work begun on an old one does not act on a new one. */
  private connection = 0;
  private flushing = false;
  private catchingUp = false;
  private stopped = false;

  constructor(
    private readonly socket: ChatClientSocket,
    readonly room: string,
    private readonly storage: OutboxStorage,
  ) {
    this.snapshot = {
      room,
      status: "connecting",
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

  private update(patch: Partial<RoomSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }

  // --- lifecycle ---

  start(): void {
    const { socket } = this;
    const onConnect = () => this.onConnect();
    const onDisconnect = () => {
      this.connection++;
      this.update({ status: "reconnecting", joined: false });
    };
    const onConnectError = () => {
      // A refusal by the server's middleware ends Socket.IO's own retries.
      if (!socket.active && !this.stopped)
        setTimeout(() => this.stopped || socket.connect(), RETRY_DELAY_MS);
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
    this.cleanups.push(this.storage.subscribe(this.room, () => this.reloadOutbox()));
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
      createdAt: new Date().toISOString(),
      state: "pending",
    };
    // Persisted before anything is sent: a reload from here on still delivers it.
    this.saveOutbox(withEntry(this.storage.load(this.room), entry));
    void this.flush();
  }

  retry(clientId: string): void {
    this.saveOutbox(withState(this.storage.load(this.room), clientId, "pending"));
    void this.flush();
  }

  discard(clientId: string): void {
    this.saveOutbox(withoutEntry(this.storage.load(this.room), clientId));
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

  private onConnect(): void {
    const connection = ++this.connection;
    this.update({ status: "connected", joined: false });
    void this.join(connection);
  }

  private async join(connection: number): Promise<void> {
    const { timeline } = this.snapshot;
    // With history in hand only what came after it is asked for; else the newest page.
    const since = timeline.messages.length > 0 ? timeline.contiguousSeq : undefined;
    const result = await this.request("room:join", {
      room: this.room,
      ...(since === undefined ? { limit: DEFAULT_PAGE_SIZE } : { since, limit: MAX_PAGE_SIZE }),
    });
    if (connection !== this.connection) return;
    if (!result?.ok) {
      await sleep(RETRY_DELAY_MS);
      if (connection === this.connection) void this.join(connection);
      return;
    }
    this.receive(result.messages, result.latestSeq);
    this.update({ joined: true });
    await this.catchUp();
    void this.flush();
  }

  /** Merges messages from any source, then fetches whatever gap they reveal. */
  private receive(messages: readonly ChatMessage[], latestSeq = 0): void {
    const timeline = noteLatestSeq(mergeMessages(this.snapshot.timeline, messages), latestSeq);
    if (timeline !== this.snapshot.timeline) this.update({ timeline });
    this.forgetDelivered(messages);
    if (this.snapshot.joined && missingAfter(timeline) !== null) void this.catchUp();
  }

  private async catchUp(): Promise<void> {
    if (this.catchingUp) return;
    this.catchingUp = true;
    const connection = this.connection;
    try {
      for (let page = 0; page < MAX_CATCH_UP_PAGES && connection === this.connection; page++) {
        const after = missingAfter(this.snapshot.timeline);
        if (after === null) return;
        const result = await this.request("history:after", {
          room: this.room,
          after,
          limit: MAX_PAGE_SIZE,
        });
        if (!result?.ok) return;
        this.receive(result.messages);
        if (result.messages.length === 0) return;
      }
    } finally {
      this.catchingUp = false;
    }
  }

  /** Sends pending outbox entries one at a time, oldest first, until each is acknowledged. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    const connection = this.connection;
    try {
      while (connection === this.connection && this.snapshot.joined) {
        const entry = this.storage.load(this.room).find((e) => e.state === "pending");
        if (!entry) return;
        const result = await this.request("message:send", {
          room: this.room,
          text: entry.text,
          clientId: entry.clientId,
        });
        if (result === null) {
          // No answer: the message may or may not be stored. Resending with the
          // same clientId is safe either way; a new connection resends it too.
          await sleep(RETRY_DELAY_MS);
        } else if (result.ok) {
          this.saveOutbox(withoutEntry(this.storage.load(this.room), entry.clientId));
          this.receive([result.message]);
        } else if (result.error.code === "rate_limited" || result.error.code === "unavailable") {
          await sleep(result.error.retryAfterMs ?? RETRY_DELAY_MS);
        } else if (result.error.code === "not_joined") {
          this.update({ joined: false });
          void this.join(connection);
          return;
        } else if (PERMANENT_SEND_ERRORS.has(result.error.code)) {
          this.saveOutbox(
            withState(this.storage.load(this.room), entry.clientId, "failed", result.error),
          );
        }
      }
    } finally {
      this.flushing = false;
    }
    // Entries may have been added while the last request was in flight.
    if (connection === this.connection && this.snapshot.outbox.some((e) => e.state === "pending")) {
      void this.flush();
    }
  }

  private async request<E extends RequestEvent>(
    event: E,
    payload: RequestOf<E>,
  ): Promise<Result<ResultOf<E>> | null> {
    if (!this.socket.connected) return null;
    try {
      const emitter = this.socket.timeout(REQUEST_TIMEOUT_MS) as unknown as {
        emitWithAck(event: E, payload: RequestOf<E>): Promise<Result<ResultOf<E>>>;
      };
      return await emitter.emitWithAck(event, payload);
    } catch {
      return null;
    }
  }

  // --- outbox ---

  private saveOutbox(entries: OutboxEntry[]): void {
    this.storage.save(this.room, entries);
    this.update({ outbox: entries });
  }

  private reloadOutbox(): void {
    this.update({ outbox: this.storage.load(this.room) });
    void this.flush();
  }

  /** Stored messages of ours leave the outbox, whichever tab or retry delivered them. */
  private forgetDelivered(messages: readonly ChatMessage[]): void {
    const me = this.snapshot.user?.id;
    if (!me || this.snapshot.outbox.length === 0) return;
    const delivered = new Set(messages.filter((m) => m.author.id === me).map((m) => m.clientId));
    if (delivered.size === 0) return;
    const entries = this.storage.load(this.room);
    const remaining = entries.filter((e) => !delivered.has(e.clientId));
    if (remaining.length !== entries.length) this.saveOutbox(remaining);
    else if (this.snapshot.outbox.some((e) => delivered.has(e.clientId)))
      this.update({ outbox: remaining });
  }
}
