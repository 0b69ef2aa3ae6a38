import type { Socket } from "socket.io-client";
import type {
  ClientToServerEvents,
  RequestEvent,
  RequestOf,
  Result,
  ResultOf,
  ServerToClientEvents,
  SessionInfo,
} from "../shared/protocol";
import { alwaysOnline, type NetworkStatus } from "./network";

export type ChatClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The socket's state, or `offline` while the browser says it has no network at all. */
export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "offline";
export type LinkStatus = Exclude<ConnectionStatus, "offline">;

export type TransportOptions = {
  /** How long a request may go unanswered before it is treated as lost and retried. */
  requestTimeoutMs: number;
  /** Pause before reconnecting after the server closed the socket or refused it. */
  retryDelayMs: number;
  /** The browser's word on whether there is a network (the `online` and `offline` events). */
  network: NetworkStatus;
};

export const DEFAULT_TRANSPORT_OPTIONS: TransportOptions = {
  requestTimeoutMs: 8_000,
  retryDelayMs: 1_000,
  network: alwaysOnline,
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before asking again after a failed request. */
export function retryDelay(result: Result<object> | null, fallbackMs: number): number {
  return (result && !result.ok && result.error.retryAfterMs) || fallbackMs;
}

type LinkListener = {
  onConnect(): void;
  onDisconnect(): void;
  onStatus(): void;
};

/**
 * The request side of one socket, shared by every room open on it: typed
 * requests with an acknowledgement and a timeout, the link's status, and the
 * reconnections Socket.IO does not make by itself. Rooms attach and detach;
 * each room rejoins on every connect through its own `onConnect`.
 */
export class Transport {
  private link: LinkStatus;
  private readonly listeners = new Set<LinkListener>();
  private readonly cleanups: (() => void)[] = [];
  /** Rooms attached, by name, with how many clients hold each (left when the last one goes). */
  private readonly rooms = new Map<string, number>();

  constructor(
    readonly socket: ChatClientSocket,
    readonly options: TransportOptions,
  ) {
    this.link = socket.connected ? "connected" : "connecting";
  }

  /** `offline` outranks whatever the socket believes: a dead link can look open for a minute. */
  status(): ConnectionStatus {
    return this.options.network.online() ? this.link : "offline";
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Starts listening when the first room attaches; returns the detach. */
  attach(room: string, listener: LinkListener): () => void {
    if (this.listeners.size === 0) this.start();
    this.listeners.add(listener);
    this.rooms.set(room, (this.rooms.get(room) ?? 0) + 1);
    return () => {
      this.listeners.delete(listener);
      const holders = (this.rooms.get(room) ?? 1) - 1;
      if (holders > 0) this.rooms.set(room, holders);
      else {
        this.rooms.delete(room);
        // The socket stays open for the page's other rooms: this one is left explicitly.
        if (this.socket.connected && this.listeners.size > 0)
          this.socket.emit("room:leave", { room }, () => {});
      }
      if (this.listeners.size === 0) this.stop();
    };
  }

  private start(): void {
    const { socket } = this;
    const { network } = this.options;
    const reconnectLater = () => {
      setTimeout(() => {
        if (this.listeners.size > 0 && !socket.active && network.online()) socket.connect();
      }, this.options.retryDelayMs);
    };
    const onConnect = () => {
      this.link = "connected";
      for (const listener of [...this.listeners]) listener.onConnect();
    };
    const onDisconnect = (reason: string) => {
      this.link = "reconnecting";
      for (const listener of [...this.listeners]) listener.onDisconnect();
      // Socket.IO does not reconnect by itself after the server closed the socket.
      if (reason === "io server disconnect") reconnectLater();
    };
    const onConnectError = () => {
      // A refusal by the server's middleware ends Socket.IO's own retries.
      if (!socket.active) reconnectLater();
    };
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    socket.on("connect_error", onConnectError);
    this.cleanups.push(() => {
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
      socket.off("connect_error", onConnectError);
    });
    this.cleanups.push(network.subscribe(() => this.onNetworkChanged()));
  }

  private stop(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    transports.delete(this.socket);
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
    for (const listener of [...this.listeners]) listener.onStatus();
  }

  /**
   * Resolves with the server's answer; `null` when there was none: not
   * connected, timed out, or the connection dropped while waiting.
   */
  async request<E extends RequestEvent>(
    event: E,
    payload: RequestOf<E>,
  ): Promise<Result<ResultOf<E>> | null> {
    // Socket.IO would buffer an emit made while disconnected and send it after the
    // next connect, ahead of the join; only the room's engines decide what to resend.
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
}

const transports = new WeakMap<ChatClientSocket, Transport>();
const sessions = new WeakMap<ChatClientSocket, SessionInfo>();
const watched = new WeakSet<ChatClientSocket>();

/**
 * The socket's latest `session`: the server sends it once per connection, so
 * a room opened on a socket already connected would otherwise never learn
 * who it is.
 */
export function lastSession(socket: ChatClientSocket): SessionInfo | undefined {
  return sessions.get(socket);
}

export function watchSession(socket: ChatClientSocket): void {
  if (watched.has(socket)) return;
  watched.add(socket);
  socket.on("session", (session) => sessions.set(socket, session));
}

/**
 * The one transport of a socket: every room on the socket shares it. The
 * first room's options set the timeouts and the network watched.
 */
export function transportFor(
  socket: ChatClientSocket,
  options: Partial<TransportOptions> = {},
): Transport {
  watchSession(socket);
  let transport = transports.get(socket);
  if (!transport) {
    transport = new Transport(socket, { ...DEFAULT_TRANSPORT_OPTIONS, ...options });
    transports.set(socket, transport);
  }
  return transport;
}
