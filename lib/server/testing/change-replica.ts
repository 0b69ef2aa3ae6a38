import { io } from "socket.io-client";
import type { ChatClientSocket } from "../../client/room-client";
import type { ChatMessage, MessageUpdate, SessionInfo, User } from "../../shared/protocol";
import { request } from "./chat-test-server";

/**
 * What a client holds of one room, kept the way docs/protocol.md tells bots
 * to keep it: every copy of a message replaces the one held only if its rev
 * is higher; `contiguousRev` is the highest rev up to which nothing was
 * missed; a rev that jumps past it, or a reconnect, is a gap, closed by
 * replaying `changes:after contiguousRev` until `hasMore` is false.
 */
export class RoomReplica {
  readonly messages = new Map<string, ChatMessage>();
  contiguousRev = 0;
  /** A live change arrived with a rev beyond contiguousRev + 1. */
  gap = false;

  /** A copy of a message from anywhere (an event, an ack, a page). Returns whether it was newer. */
  merge(message: ChatMessage): boolean {
    const held = this.messages.get(message.id);
    if (held && held.rev >= message.rev) return false;
    const { reaction: _reaction, ...state } = message as MessageUpdate;
    // `me` is per reader; what converges is the room's state.
    this.messages.set(message.id, {
      ...state,
      reactions: state.reactions.map(({ emoji, count }) => ({ emoji, count })),
    });
    return true;
  }

  /** A broadcast: it carries the rev of the change that made it. */
  live(message: ChatMessage): void {
    this.merge(message);
    if (message.rev === this.contiguousRev + 1) this.contiguousRev = message.rev;
    else if (message.rev > this.contiguousRev) this.gap = true;
  }

  /** The state, comparable with another replica's. */
  snapshot(): ChatMessage[] {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }
}

/** Replays every change after `replica.contiguousRev` from `socket`. */
export async function catchUp(
  socket: ChatClientSocket,
  room: string,
  replica: RoomReplica,
): Promise<void> {
  let after = replica.contiguousRev;
  replica.gap = false;
  for (;;) {
    const page = await request(socket, "changes:after", { room, after, limit: 7 });
    if (!page.ok) throw new Error(`changes:after failed: ${page.error.code}`);
    for (const message of page.messages) replica.merge(message);
    if (!page.hasMore) {
      replica.contiguousRev = Math.max(replica.contiguousRev, page.latestRev);
      return;
    }
    after = page.messages.at(-1)?.rev ?? after;
  }
}

/**
 * A client of one room that follows its changes: it joins on every connect
 * (keeping its identity with the token it was given), replays what it
 * missed, applies live `message:created` and `message:updated`, and catches
 * up again when a rev jumps.
 */
export class FollowingClient {
  readonly replica = new RoomReplica();
  readonly socket: ChatClientSocket;
  private token: string | undefined;
  /** Who the server says this client is (from its `session`), once connected. */
  user: User | undefined;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    url: string,
    readonly room: string,
    name: string,
  ) {
    this.socket = io(url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      autoConnect: false,
      auth: (send) => send(this.token ? { token: this.token } : { name }),
    });
    this.socket.on("session", (session: SessionInfo) => {
      this.token = session.token ?? this.token;
      this.user = session.user;
    });
    this.socket.on("message:created", (message) => this.onLive(message));
    this.socket.on("message:updated", (message) => this.onLive(message));
  }

  private onLive(message: ChatMessage): void {
    if (message.room !== this.room) return;
    this.replica.live(message);
    if (this.replica.gap) this.sync();
  }

  /** Joins (subscribing to live changes first), then replays what it missed. */
  private sync(): void {
    this.syncing = this.syncing.then(async () => {
      if (!this.socket.connected) return;
      try {
        await catchUp(this.socket, this.room, this.replica);
      } catch (error) {
        // A drop cut this catch-up short; the next connect catches up from where it got to.
        if (this.socket.connected) throw error;
      }
    });
  }

  async connect(): Promise<void> {
    const connected = new Promise<void>((resolve, reject) => {
      this.socket.once("connect", () => resolve());
      this.socket.once("connect_error", reject);
    });
    this.socket.connect();
    await connected;
    const joined = await request(this.socket, "room:join", { room: this.room, limit: 1 });
    if (!joined.ok) throw new Error(`join failed: ${joined.error.code}`);
    for (const message of joined.messages) this.replica.merge(message);
    this.sync();
    await this.syncing;
  }

  disconnect(): void {
    this.socket.disconnect();
  }

  /** Waits for the catch-ups under way (gaps found by live changes included). */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.syncing;
      await current;
    } while (current !== this.syncing);
  }

  get userId(): string | undefined {
    return this.token;
  }
}
