import { createECDH, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
// @ts-expect-error http_ece ships no types; it is web-push's own RFC 8188 implementation.
import ece from "http_ece";
import type { PushPayload } from "../../shared/protocol";

/** One push as the receiver got it: decrypted, with what the push service would see. */
export type ReceivedPush = {
  /** The subscription's path on the receiver (one per subscription). */
  path: string;
  payload: PushPayload;
  /** The encrypted body's size: all a push service learns of what is in it. */
  bytes: number;
  headers: IncomingMessage["headers"];
  at: number;
};

/** A subscription a test made, as a browser's PushSubscription.toJSON() holds it. */
export type TestSubscription = {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  path: string;
};

/**
 * A push service on loopback, for tests: each subscription it hands out has
 * its own path and its own P-256 key pair and 16-byte auth secret, made here
 * as a browser makes them, and each push body is decrypted per RFC 8291
 * (aes128gcm, RFC 8188) with that private key — a payload the server failed
 * to encrypt for the subscription fails the push (answered 400) and is
 * recorded in `failures`. `expire(path)` makes it answer 410 Gone, as a push
 * service does for a subscription the browser dropped; `decrypt: false`
 * counts bodies without decrypting (the bench).
 */
export class PushReceiver {
  readonly received: ReceivedPush[] = [];
  readonly failures: { path: string; error: string }[] = [];
  /** Bodies received on any path, decrypted or not. */
  count = 0;
  private readonly keys = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer }>();
  private readonly expired = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(at: number) => void>();
  private next = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly decrypt: boolean,
  ) {}

  static async start(options: { decrypt?: boolean } = {}): Promise<PushReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new PushReceiver(server, `http://127.0.0.1:${port}`, options.decrypt ?? true);
    server.on("request", (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const status = receiver.accept(request, Buffer.concat(chunks));
        response.writeHead(status).end();
      });
    });
    return receiver;
  }

  /** A new subscription: its endpoint and the keys the server must encrypt for. */
  subscription(): TestSubscription {
    this.next += 1;
    const path = `/push/${this.next}-${randomBytes(4).toString("hex")}`;
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.keys.set(path, { ecdh, auth });
    return {
      endpoint: `${this.origin}${path}`,
      keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
      path,
    };
  }

  /** Calls `listener` with the time (performance.now()) of each push as it arrives, until stopped. */
  onPush(listener: (at: number) => void): { stop(): void } {
    this.listeners.add(listener);
    return { stop: () => this.listeners.delete(listener) };
  }

  /** From now on, pushes to this subscription are answered 410 Gone. */
  expire(path: string): void {
    this.expired.add(path);
  }

  /** The decrypted pushes to one subscription. */
  to(path: string): PushPayload[] {
    return this.received.filter((push) => push.path === path).map((push) => push.payload);
  }

  /** Resolves once `count` bodies have arrived (decrypted or not), or rejects after `timeoutMs`. */
  async waitForCount(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.count >= count) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${this.count} of ${count} pushes arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (this.count < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private accept(request: IncomingMessage, body: Buffer): number {
    const path = new URL(request.url ?? "/", this.origin).pathname;
    const keys = this.keys.get(path);
    if (request.method !== "POST" || !keys) return 404;
    if (this.expired.has(path)) return 410;
    this.count += 1;
    const at = performance.now();
    for (const listener of this.listeners) listener(at);
    for (const waiter of [...this.waiters]) waiter();
    if (!this.decrypt) return 201;
    try {
      if (request.headers["content-encoding"] !== "aes128gcm")
        throw new Error(`content-encoding ${String(request.headers["content-encoding"])}`);
      if (!String(request.headers.authorization ?? "").startsWith("vapid t="))
        throw new Error("no VAPID authorization");
      const plain: Buffer = ece.decrypt(body, {
        version: "aes128gcm",
        privateKey: keys.ecdh,
        authSecret: keys.auth.toString("base64url"),
      });
      this.received.push({
        path,
        payload: JSON.parse(plain.toString("utf8")) as PushPayload,
        bytes: body.length,
        headers: request.headers,
        at: Date.now(),
      });
      for (const waiter of [...this.waiters]) waiter();
      return 201;
    } catch (error) {
      this.failures.push({ path, error: (error as Error).message });
      return 400;
    }
  }
}
