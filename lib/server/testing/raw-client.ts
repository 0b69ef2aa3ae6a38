import WebSocket from "ws";

export type RawClientOptions = {
  /** Sent as the handshake's Origin header, as a browser page would. */
  origin?: string;
  headers?: Record<string, string>;
  /** Send the Socket.IO CONNECT packet after the Engine.IO handshake (default true). */
  connect?: boolean;
  /** The CONNECT packet's auth payload. */
  auth?: unknown;
  /** Answer the server's heartbeat pings (default true). */
  answerPings?: boolean;
};

type Waiter = { test: (frame: string) => boolean; resolve: (frame: string) => void };

/**
 * A Socket.IO client written by hand on a plain WebSocket, for tests that
 * must send what no well-behaved client library would: malformed frames,
 * reserved event names, oversized payloads, or nothing at all.
 */
export class RawClient {
  readonly frames: string[] = [];
  /** The Engine.IO session id, from the open packet. */
  engineId = "";
  /** The Socket.IO socket id, from the CONNECT reply. */
  socketId = "";
  readonly closed: Promise<{ code: number }>;
  private isClosed = false;
  private nextAckId = 1;
  private waiters: Waiter[] = [];

  private constructor(
    readonly ws: WebSocket,
    private readonly answerPings: boolean,
  ) {
    this.closed = new Promise((resolve) => {
      ws.once("close", (code) => {
        this.isClosed = true;
        resolve({ code });
      });
    });
    ws.on("error", () => {
      // A refused or dropped connection reports through `closed`.
    });
    ws.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
      const frame = isBinary ? "<binary>" : data.toString();
      this.frames.push(frame);
      if (frame === "2" && this.answerPings) ws.send("3");
      for (const waiter of [...this.waiters]) {
        if (waiter.test(frame)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(frame);
        }
      }
    });
  }

  static url(baseUrl: string): string {
    return `${baseUrl.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`;
  }

  /** Opens the WebSocket and, unless told not to, connects to the default namespace. */
  static async open(baseUrl: string, options: RawClientOptions = {}): Promise<RawClient> {
    const headers = { ...options.headers, ...(options.origin ? { origin: options.origin } : {}) };
    const ws = new WebSocket(RawClient.url(baseUrl), { headers, perMessageDeflate: false });
    const client = new RawClient(ws, options.answerPings ?? true);
    const open = await client.waitFor((frame) => frame.startsWith("0{"), 5_000);
    client.engineId = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    if (options.connect ?? true) {
      ws.send(options.auth === undefined ? "40" : `40${JSON.stringify(options.auth)}`);
      const connected = await client.waitFor((frame) => frame.startsWith("40"), 5_000);
      client.socketId = (JSON.parse(connected.slice(2)) as { sid: string }).sid;
      await client.waitFor((frame) => frame.startsWith('42["session"'), 5_000);
    }
    return client;
  }

  get isOpen(): boolean {
    return !this.isClosed && this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: string | Buffer): void {
    this.ws.send(frame);
  }

  /** Emits an event with an acknowledgement id; returns that id. */
  emit(event: unknown, ...args: unknown[]): number {
    const id = this.nextAckId++;
    this.ws.send(`42${id}${JSON.stringify([event, ...args])}`);
    return id;
  }

  /** The acknowledgement for `id`, or "no-ack" if none comes within the time (or the connection closes). */
  async ack(id: number, timeoutMs = 2_000): Promise<unknown> {
    const prefix = `43${id}[`;
    const frame = await Promise.race([
      this.waitFor((f) => f.startsWith(prefix), timeoutMs).catch(() => null),
      this.closed.then(() => null),
    ]);
    if (frame === null) {
      const late = this.frames.find((f) => f.startsWith(prefix));
      if (!late) return "no-ack";
      return (JSON.parse(late.slice(prefix.length - 1)) as unknown[])[0];
    }
    return (JSON.parse(frame.slice(prefix.length - 1)) as unknown[])[0];
  }

  async emitWithAck(event: unknown, ...args: unknown[]): Promise<unknown> {
    return this.ack(this.emit(event, ...args));
  }

  waitFor(test: (frame: string) => boolean, timeoutMs: number): Promise<string> {
    const seen = this.frames.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        test,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves true if the server closes the connection within the time. */
  async closesWithin(timeoutMs: number): Promise<boolean> {
    return Promise.race([
      this.closed.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
    ]);
  }

  /** Stops reading from the TCP socket, as a client on a stalled network would. */
  stopReading(): void {
    (this.ws as unknown as { _socket: import("node:net").Socket })._socket.pause();
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * A WebSocket handshake to the Socket.IO endpoint: 101, or the status and
 * body it was refused with. `query` adds to the URL (`&sid=…`: the upgrade of
 * a long-polling session).
 */
export function upgrade(
  baseUrl: string,
  headers: Record<string, string>,
  query = "",
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${RawClient.url(baseUrl)}${query}`, {
      headers,
      perMessageDeflate: false,
    });
    ws.once("upgrade", () => {
      ws.terminate();
      resolve({ status: 101, body: "" });
    });
    ws.once("unexpected-response", (_request, response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      response.on("error", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    ws.once("error", (error) => {
      if (!error.message.startsWith("Unexpected server response")) reject(error);
    });
  });
}
