import type { ReadMarked, SessionInfo } from "../shared/protocol";
import {
  aheadOf,
  type BrowserReads,
  browserReads,
  mergePositions,
  pageReadPositions,
  type ReadPositions,
  type SwitchableReadPositions,
} from "./read-positions";
import { type ChatClientSocket, lastSession, retryDelay, transportFor } from "./transport";

/**
 * How often one device sends its marks: an open room at the bottom reads
 * every message as it arrives, and one mark a second says as much as one per
 * message does. The first mark after a quiet spell goes at once.
 */
export const READ_MARK_INTERVAL_MS = 1_000;

export type AccountReadPositionsOptions = {
  /** Tests shorten it. */
  markIntervalMs?: number;
  /** How long a refused or lost mark waits before it is sent again, unless the server says. */
  retryDelayMs?: number;
};

/**
 * A signed-in person's read positions, kept by the server for every device:
 * fetched (`read:positions`) on every connect, moved forward here at once
 * when the person reads and sent (`read:mark`) soon after, and moved forward
 * by the other devices' marks (`read:marked`). Every source is merged
 * monotonically, so marks crossing each other settle on the furthest.
 *
 * It outlives its socket: the page's socket is replaced when the person
 * goes to another room, and `bind` carries the positions (and marks not yet
 * sent) over to the new one.
 */
export class AccountReadPositions implements ReadPositions {
  private positions: ReadonlyMap<string, number> = new Map();
  /** What the server answered it stores: marks ahead of it are sent again after a reconnect. */
  private stored: ReadonlyMap<string, number> = new Map();
  private fetched = false;
  private readonly pending = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending = false;
  private nextSendAt = 0;
  private socket: ChatClientSocket | null = null;
  private unbindSocket: (() => void) | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly markIntervalMs: number;
  private readonly retryDelayMs: number;

  constructor(
    /** The chat identity the positions are of: a session of another one needs other positions. */
    readonly userId: string,
    options: AccountReadPositionsOptions = {},
  ) {
    this.markIntervalMs = options.markIntervalMs ?? READ_MARK_INTERVAL_MS;
    this.retryDelayMs = options.retryDelayMs ?? READ_MARK_INTERVAL_MS;
  }

  snapshot = (): ReadonlyMap<string, number> => this.positions;

  ready = (): boolean => this.fetched;

  subscribe = (onChange: () => void): (() => void) => {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  };

  markRead(room: string, seq: number): void {
    if (seq <= (this.positions.get(room) ?? -1)) return;
    this.positions = new Map(this.positions).set(room, seq);
    this.pending.set(room, seq);
    this.changed();
    this.schedule();
  }

  /** Talks to the server through `socket` from now on (fetching the positions once it is connected). */
  bind(socket: ChatClientSocket): void {
    if (socket === this.socket) return;
    this.unbind();
    this.socket = socket;
    const onConnect = () => void this.fetch(socket);
    const onMarked = ({ room, seq }: ReadMarked) => this.apply({ [room]: seq });
    socket.on("connect", onConnect);
    socket.on("read:marked", onMarked);
    this.unbindSocket = () => {
      socket.off("connect", onConnect);
      socket.off("read:marked", onMarked);
    };
    if (socket.connected) void this.fetch(socket);
  }

  /** Stops talking to the server; what is held stays, and marks wait for the next `bind`. */
  unbind(): void {
    this.unbindSocket?.();
    this.unbindSocket = null;
    this.socket = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async fetch(socket: ChatClientSocket): Promise<void> {
    const answer = await transportFor(socket).request("read:positions", {});
    if (socket !== this.socket) return;
    // Lost with the connection: the next connect fetches again.
    if (!answer) return;
    if (!answer.ok) {
      const again = () => socket === this.socket && socket.connected && void this.fetch(socket);
      setTimeout(again, retryDelay(answer, this.retryDelayMs));
      return;
    }
    this.stored = mergePositions(this.stored, answer.positions);
    this.fetched = true;
    this.positions = mergePositions(this.positions, answer.positions);
    this.changed();
    // Send what is ahead of the server, and nothing it already has further.
    for (const [room, seq] of this.pending)
      if (seq <= (this.stored.get(room) ?? -1)) this.pending.delete(room);
    for (const [room, seq] of aheadOf(this.positions, this.stored)) this.pending.set(room, seq);
    this.schedule();
  }

  /** Positions the server says it stores: from an answer to a mark, or another device's. */
  private apply(incoming: Record<string, number>): void {
    this.stored = mergePositions(this.stored, incoming);
    const next = mergePositions(this.positions, incoming);
    if (next === this.positions) return;
    this.positions = next;
    this.changed();
  }

  private schedule(): void {
    if (this.timer || this.sending || this.pending.size === 0 || !this.socket) return;
    const wait = Math.max(0, this.nextSendAt - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.send();
    }, wait);
  }

  private async send(): Promise<void> {
    const socket = this.socket;
    // Not connected: the connect's fetch sends whatever is ahead of the server.
    if (!socket?.connected) return;
    const batch = [...this.pending];
    this.pending.clear();
    this.sending = true;
    this.nextSendAt = Date.now() + this.markIntervalMs;
    const transport = transportFor(socket);
    const answers = await Promise.all(
      batch.map(([room, seq]) => transport.request("read:mark", { room, seq })),
    );
    this.sending = false;
    answers.forEach((answer, i) => {
      const [room, seq] = batch[i] as [string, number];
      if (answer?.ok) {
        this.apply({ [answer.room]: answer.seq });
        return;
      }
      // Anything but a pause (a refusal of the mark itself) would be refused again.
      const again = answer === null || ["rate_limited", "unavailable"].includes(answer.error.code);
      if (!again) return;
      if (seq > (this.pending.get(room) ?? -1)) this.pending.set(room, seq);
      const delay = retryDelay(answer, this.retryDelayMs);
      this.nextSendAt = Math.max(this.nextSendAt, Date.now() + delay);
    });
    this.schedule();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

let account: AccountReadPositions | null = null;
const followed = new WeakSet<ChatClientSocket>();

/**
 * Makes the page's read positions follow the socket's `session`: a session
 * with an account uses the account's positions (the same ones across the
 * page's sockets, for as long as it is the same person), one without goes
 * back to the browser's. Call it for every socket the page connects.
 *
 * A guest who signs up keeps their identity, and so their positions: the
 * browser's, made by that guest, are marked on the account once.
 */
export function followSessionReads(
  socket: ChatClientSocket,
  page: SwitchableReadPositions = pageReadPositions(),
  browser: BrowserReads = browserReads(),
): void {
  if (followed.has(socket)) return;
  followed.add(socket);
  const onSession = (session: SessionInfo) => {
    if (!session.account) {
      account?.unbind();
      browser.own(session.user.id);
      page.use(browser.positions);
      return;
    }
    if (account?.userId !== session.user.id) {
      account?.unbind();
      account = new AccountReadPositions(session.user.id);
      if (browser.owner() === session.user.id) {
        for (const [room, seq] of browser.positions.snapshot()) account.markRead(room, seq);
        browser.own(null);
      }
    }
    account.bind(socket);
    page.use(account);
  };
  socket.on("session", onSession);
  // The session may have come before this socket was followed.
  const known = lastSession(socket);
  if (known) onSession(known);
}
