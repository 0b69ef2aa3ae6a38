import { TYPING_EXPIRY_MS, TYPING_REFRESH_MS } from "../shared/limits";
import type {
  ChatMessage,
  PresenceChange,
  PresenceList,
  SessionInfo,
  Typing,
  User,
} from "../shared/protocol";
import {
  applyChange,
  applyList,
  emptyPresence,
  type OnlineView,
  onlineView,
  type PresenceState,
  reconnected,
} from "./presence-state";
import { type ChatClientSocket, lastSession, watchSession } from "./transport";
import {
  expireTypists,
  heardStop,
  messageArrived,
  nextExpiry,
  noTypists,
  startedTyping,
  type TypingStops,
  type Typists,
  typingUsers,
} from "./typing-state";

export type ActivitySnapshot = {
  /** The room's list of who is online has come on this connection: it has joined. */
  listed: boolean;
  /** Who is online, you included. */
  online: OnlineView;
  /** Who else is typing, longest-typing first. */
  typing: readonly User[];
};

export type RoomActivityOptions = {
  /** How long a typist is shown without a new notice; tests shorten it. */
  typingExpiryMs?: number;
};

/**
 * The live, never-stored side of a room: who is online and who is typing,
 * from the server's presence and typing events, and this person's own typing
 * notices. It shares the room's socket with RoomClient; the merging is left to
 * the pure presence and typing modules. The room must be joined for the
 * server to send or relay any of it, which RoomClient does.
 */
export class RoomActivity {
  private presence: PresenceState = emptyPresence;
  private typists: Typists = noTypists;
  private me: User | null = null;
  private snapshot: ActivitySnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: (() => void)[] = [];
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Others' recent explicit stops, so that the message a stop explains does not clear a new start. */
  private stops: TypingStops = new Map();
  /** When this person's last `typing:start` went out, while they are typing. */
  private typingSentAt: number | null = null;
  private readonly typingExpiryMs: number;
  private readonly now = () => Date.now();

  constructor(
    private readonly socket: ChatClientSocket,
    readonly room: string,
    options: RoomActivityOptions = {},
  ) {
    watchSession(socket);
    this.typingExpiryMs = options.typingExpiryMs ?? TYPING_EXPIRY_MS;
    this.snapshot = this.view();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ActivitySnapshot => this.snapshot;

  start(): void {
    const { socket, room } = this;
    const ours = (event: { room: string }) => event.room === room;
    const onSession = ({ user }: SessionInfo) => {
      this.me = user;
      this.changed();
    };
    // On the page's shared socket the session may have come before this room opened.
    const known = lastSession(socket);
    if (known) this.me = known.user;
    const onList = (list: PresenceList) => {
      if (ours(list)) this.setPresence(applyList(this.presence, list));
    };
    const onChange = (change: PresenceChange) => {
      if (ours(change)) this.setPresence(applyChange(this.presence, change));
    };
    const onStarted = ({ room: r, user }: Typing) => {
      if (r !== room || user.id === this.me?.id) return;
      this.setTypists(startedTyping(this.typists, user, this.now(), this.typingExpiryMs));
    };
    const onStopped = ({ room: r, user }: Typing) => {
      if (r !== room) return;
      const next = heardStop(this.typists, this.stops, user.id, this.now());
      this.stops = next.stops;
      this.setTypists(next.typists);
    };
    // Whoever's message arrives has stopped typing it (typing-state.ts: unless they said so first).
    const onMessage = (message: ChatMessage) => {
      if (message.room !== room) return;
      const next = messageArrived(this.typists, this.stops, message.author.id, this.now());
      this.stops = next.stops;
      this.setTypists(next.typists);
    };
    const onDisconnect = () => {
      this.typingSentAt = null;
      this.stops = new Map();
      this.presence = reconnected(this.presence);
      this.setTypists(noTypists);
    };
    socket.on("session", onSession);
    socket.on("presence:listed", onList);
    socket.on("presence:changed", onChange);
    socket.on("typing:started", onStarted);
    socket.on("typing:stopped", onStopped);
    socket.on("message:created", onMessage);
    socket.on("disconnect", onDisconnect);
    this.cleanups.push(() => {
      socket.off("session", onSession);
      socket.off("presence:listed", onList);
      socket.off("presence:changed", onChange);
      socket.off("typing:started", onStarted);
      socket.off("typing:stopped", onStopped);
      socket.off("message:created", onMessage);
      socket.off("disconnect", onDisconnect);
    });
  }

  stop(): void {
    this.stopTyping();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.listeners.clear();
  }

  /**
   * The person typed something: tells the room, at most once per refresh
   * interval. Only once this connection's list of who is online has come, a
   * sign that it has joined the room: before that the server would drop the
   * notice, and the interval would hold back the next one.
   */
  typing(): void {
    const now = this.now();
    if (this.typingSentAt !== null && now - this.typingSentAt < TYPING_REFRESH_MS) return;
    if (!this.socket.connected || !this.presence.listed) return;
    this.typingSentAt = now;
    this.socket.volatile.emit("typing:start", { room: this.room });
  }

  /** The person sent their message or cleared the box. */
  stopTyping(): void {
    if (this.typingSentAt === null) return;
    this.typingSentAt = null;
    if (this.socket.connected) this.socket.volatile.emit("typing:stop", { room: this.room });
  }

  private setPresence(presence: PresenceState): void {
    this.presence = presence;
    this.changed();
  }

  private setTypists(typists: Typists): void {
    if (typists === this.typists) return;
    this.typists = typists;
    this.scheduleExpiry();
    this.changed();
  }

  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    const due = nextExpiry(this.typists);
    if (due === null) return;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTimer = null;
        this.setTypists(expireTypists(this.typists, this.now()));
        if (!this.expiryTimer) this.scheduleExpiry();
      },
      Math.max(0, due - this.now()),
    );
  }

  private view(): ActivitySnapshot {
    return {
      listed: this.presence.listed,
      online: onlineView(this.presence, this.me),
      typing: typingUsers(this.typists),
    };
  }

  private changed(): void {
    this.snapshot = this.view();
    for (const listener of this.listeners) listener();
  }
}
