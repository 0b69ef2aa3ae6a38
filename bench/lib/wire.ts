import WebSocket from "ws";

/**
 * Lightweight clients for the three servers under test, each speaking that
 * server's own protocol on a bare WebSocket (the previous build speaks Scrollback's): Socket.IO's framing written by
 * hand (Engine.IO v4 packets, Socket.IO v5 events and acks) for Scrollback and
 * the naive seed server, plain JSON frames for the raw `ws` server. A full
 * socket.io-client per receiver would saturate the load generator before the
 * server; these parse only what they must — a delivery is found by the
 * timestamp marker in its text, without decoding the JSON around it.
 */
export type TargetKind = "scrollback" | "previous" | "naive" | "raw";

/** Scrollback as built now, or the previous build it is compared with: one protocol. */
export function speaksScrollback(kind: TargetKind): boolean {
  return kind === "scrollback" || kind === "previous";
}

export const BENCH_ROOM = "bench";

/** `~<tag>:<send time in ms since the epoch, fractional>~`, embedded in every message's text. */
export function markText(tag: string, sentAt: number, filler: string): string {
  return `~${tag}:${sentAt.toFixed(3)}~ ${filler}`;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

const TILDE = 0x7e;
const COLON = 0x3a;

/** Finds the marker in a raw frame: its tag and send time, or null when the frame carries none. */
export function readMarker(frame: Buffer): { tag: string; sentAt: number } | null {
  const start = frame.indexOf(TILDE);
  if (start < 0) return null;
  const colon = frame.indexOf(COLON, start + 1);
  const end = frame.indexOf(TILDE, start + 1);
  if (colon < 0 || end < 0 || colon > end) return null;
  return {
    tag: frame.toString("latin1", start + 1, colon),
    sentAt: Number(frame.toString("latin1", colon + 1, end)),
  };
}

export type AckResult = { ok: boolean; code?: string };

export type ClientHooks = {
  /** Every frame that carries a chat message (live broadcast, not history). */
  onDelivery?: (frame: Buffer, receivedAt: number) => void;
  /** Scrollback: every `message:updated` frame (an edit, delete or reaction broadcast). */
  onUpdate?: (frame: Buffer, receivedAt: number) => void;
  /**
   * The loopback address this client's socket is bound to (127.0.0.2 and up):
   * Linux routes all of 127.0.0.0/8 to loopback, so clients on different
   * addresses stand in for different machines to the server's per-address limits.
   */
  localAddress?: string;
  /**
   * The server ended this connection: its Socket.IO disconnect packet, or the
   * socket closing without one, whichever comes first (once per connection).
   */
  onEnded?: (client: WireClient, receivedAt: number) => void;
};

/**
 * What a client presents when it connects, as a browser or bot would: an
 * account's session cookie, and the bot token a guest was given (`keepToken`:
 * take the one the server's `session` gives and present it on the next connect,
 * so that a guest reconnects as the same identity).
 */
/** The part of Scrollback's `session` event a benchmark reads. */
export type SessionSeen = { token?: string; account?: { email: string; role: string } };

export type Credentials = { cookie?: string; token?: string; keepToken?: boolean };

type PendingAck = (result: AckResult, frame: Buffer) => void;

/** One connection to a server under test. */
export class WireClient {
  bytesReceived = 0;
  /** Time from opening the socket to being ready (connected and, for Scrollback, joined). */
  connectMs = Number.NaN;
  /** Time from opening the socket to receiving the room's history, and its size. */
  historyMs = Number.NaN;
  historyBytes = 0;
  private ws: WebSocket | null = null;
  private nextAckId = 0;
  private readonly acks = new Map<number, PendingAck>();
  private sentCount = 0;
  closedByServer = false;
  private ended = false;
  /** The latest `session` the server sent: whom this connection acts as. */
  session: SessionSeen | null = null;

  constructor(
    readonly kind: TargetKind,
    private readonly baseUrl: string,
    readonly id: number,
    private readonly hooks: ClientHooks = {},
    /** The Scrollback room this client joins and writes to. */
    readonly room: string = BENCH_ROOM,
    readonly credentials: Credentials = {},
  ) {}

  private endedNow(): void {
    if (this.ended) return;
    this.ended = true;
    this.hooks.onEnded?.(this, nowMs());
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Opens the connection; resolves once the client can send and receive in the bench room. */
  connect(timeoutMs = 30_000): Promise<void> {
    const startedAt = performance.now();
    const url =
      this.kind === "raw"
        ? this.baseUrl.replace(/^http/, "ws")
        : `${this.baseUrl.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      ...(this.hooks.localAddress ? { localAddress: this.hooks.localAddress } : {}),
      ...(this.credentials.cookie ? { headers: { cookie: this.credentials.cookie } } : {}),
    });
    this.ws = ws;
    this.closedByServer = false;
    this.ended = false;
    this.session = null;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(
        () => finish(new Error(`connect timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          ws.terminate();
          reject(error);
        } else {
          this.connectMs = performance.now() - startedAt;
          resolve();
        }
      };
      ws.on("error", (error) => finish(error));
      ws.on("close", () => {
        // Not a close of our own (close() detaches this socket first).
        if (this.ws !== ws) return;
        this.closedByServer = true;
        this.endedNow();
        finish(new Error("closed before ready"));
      });
      if (this.kind === "raw") ws.once("open", () => finish());
      ws.on("message", (data: Buffer) => {
        this.bytesReceived += data.length;
        this.onFrame(data, startedAt, finish);
      });
    });
  }

  private onFrame(frame: Buffer, startedAt: number, ready: (error?: Error) => void): void {
    if (this.kind === "raw") {
      this.hooks.onDelivery?.(frame, nowMs());
      return;
    }
    const engineType = frame[0];
    if (engineType === 0x32 /* "2" ping */ && frame.length === 1) {
      this.ws?.send("3");
      return;
    }
    if (engineType === 0x30 /* "0" open */) {
      const { token } = this.credentials;
      this.ws?.send(token ? `40${JSON.stringify({ token })}` : "40");
      return;
    }
    if (engineType !== 0x34 /* "4" message */) return;
    const socketType = frame[1];
    if (socketType === 0x32 /* "2" event */) {
      if (speaksScrollback(this.kind)) {
        if (startsWith(frame, SCROLLBACK_SESSION)) {
          const [, session] = JSON.parse(frame.toString("utf8", 2)) as [string, SessionSeen];
          this.session = session;
          if (this.credentials.keepToken && session.token) this.credentials.token = session.token;
        } else if (startsWith(frame, SCROLLBACK_DELIVERY)) this.hooks.onDelivery?.(frame, nowMs());
        else if (startsWith(frame, SCROLLBACK_UPDATE)) this.hooks.onUpdate?.(frame, nowMs());
      } else if (startsWith(frame, NAIVE_DELIVERY)) {
        this.hooks.onDelivery?.(frame, nowMs());
      } else if (startsWith(frame, NAIVE_HISTORY)) {
        this.historyMs = performance.now() - startedAt;
        this.historyBytes = frame.length;
        ready();
      }
      return;
    }
    if (socketType === 0x33 /* "3" ack */) {
      const open = frame.indexOf(0x5b /* "[" */);
      const ackId = Number(frame.toString("latin1", 2, open));
      const pending = this.acks.get(ackId);
      if (!pending) return;
      this.acks.delete(ackId);
      const ok = frame.indexOf('"ok":true') > 0;
      const code = ok ? undefined : /"code":"([a-z_]+)"/.exec(frame.toString())?.[1];
      pending(code === undefined ? { ok } : { ok, code }, frame);
      return;
    }
    if (socketType === 0x30 /* "0" connected */) {
      if (this.kind === "naive") return; // ready once the history arrives
      this.request("room:join", { room: this.room }, (result, ackFrame) => {
        if (!result.ok) {
          ready(new Error(`room:join refused: ${result.code}`));
          return;
        }
        this.historyMs = performance.now() - startedAt;
        this.historyBytes = ackFrame.length;
        ready();
      });
      return;
    }
    if (socketType === 0x31 /* "1" disconnect */) {
      this.endedNow();
      return;
    }
    if (socketType === 0x34 /* "4" connect error */)
      ready(new Error(`refused: ${frame.toString()}`));
  }

  /** A Socket.IO request with an acknowledgement (Scrollback only). */
  request(event: string, payload: unknown, onAck: PendingAck): void {
    const ackId = this.nextAckId++;
    this.acks.set(ackId, onAck);
    this.ws?.send(`42${ackId}${JSON.stringify([event, payload])}`);
  }

  /** A Socket.IO event without an acknowledgement, as notices (`typing:start`) are sent (Scrollback only). */
  notice(event: string, payload: unknown): void {
    this.ws?.send(`42${JSON.stringify([event, payload])}`);
  }

  /** Sends one chat message in this server's protocol; `onAck` only for Scrollback, which acknowledges. */
  sendChat(text: string, onAck?: PendingAck): void {
    this.sentCount++;
    if (speaksScrollback(this.kind)) {
      const clientId = `b${this.id}-${this.sentCount}-${Math.random().toString(36).slice(2, 8)}`;
      this.request("message:send", { room: this.room, text, clientId }, onAck ?? (() => {}));
    } else if (this.kind === "naive") {
      this.ws?.send(
        `42${JSON.stringify(["sendMessage", { author: `bot-${this.id}`, message: text }])}`,
      );
    } else {
      this.ws?.send(JSON.stringify({ author: `bot-${this.id}`, message: text }));
    }
  }

  /** Requests waiting for their acknowledgement. */
  get pendingAcks(): number {
    return this.acks.size;
  }

  close(): void {
    this.ws?.terminate();
    this.ws = null;
    this.acks.clear();
  }
}

const SCROLLBACK_SESSION = Buffer.from('42["session"');
const SCROLLBACK_DELIVERY = Buffer.from('42["message:created"');
const SCROLLBACK_UPDATE = Buffer.from('42["message:updated"');
const REV = Buffer.from('"rev":');

/**
 * The first `"rev":` in a frame carrying one message (an update, or the ack of
 * a change): the message's own rev — nothing nested in a message has one.
 * NaN when the frame has none.
 */
export function readRev(frame: Buffer): number {
  const at = frame.indexOf(REV);
  if (at < 0) return Number.NaN;
  let value = 0;
  let digits = 0;
  for (let i = at + REV.length; i < frame.length; i++) {
    const byte = frame[i] as number;
    if (byte < 0x30 || byte > 0x39) break;
    value = value * 10 + (byte - 0x30);
    digits++;
  }
  return digits > 0 ? value : Number.NaN;
}

/** The acknowledgement's payload, decoded: for the few requests whose answer the benchmark reads. */
export function ackPayload<T>(frame: Buffer): T {
  const open = frame.indexOf(0x5b /* "[" */);
  return (JSON.parse(frame.toString("utf8", open)) as [T])[0];
}
const NAIVE_DELIVERY = Buffer.from('42["receivedMessage"');
const NAIVE_HISTORY = Buffer.from('42["previousMessages"');

function startsWith(frame: Buffer, prefix: Buffer): boolean {
  return (
    frame.length >= prefix.length && frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
  );
}
