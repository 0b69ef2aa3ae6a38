import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP relay between clients and a server that a test can cut and restore,
 * to break the network link for real instead of mocking a socket. `cut()`
 * resets every open connection, as a dropped network does, and resets new ones
 * at once until `restore()`; the server behind it keeps running.
 */
export class LinkRelay {
  private readonly open = new Set<Socket>();
  private cutOff = false;
  /** Connections accepted so far, whether relayed or refused. */
  accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = "127.0.0.1"): Promise<LinkRelay> {
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const address = server.address();
    if (typeof address !== "object" || !address) throw new Error("relay has no port");
    const relay = new LinkRelay(server, address.port);
    server.on("connection", (client) => relay.accept(client, targetPort, targetHost));
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get isCut(): boolean {
    return this.cutOff;
  }

  /** Drops every relayed connection and refuses new ones until `restore()`. */
  cut(): void {
    this.cutOff = true;
    for (const socket of this.open) socket.resetAndDestroy();
    this.open.clear();
  }

  restore(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number, targetHost: string): void {
    this.accepted++;
    client.on("error", () => {});
    if (this.cutOff) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ port: targetPort, host: targetHost, noDelay: true });
    upstream.on("error", () => {});
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.open.add(from);
      from.pipe(to);
      // Whichever side goes away takes the other with it: gently when it closed
      // cleanly (pending bytes still flow), abruptly when it broke.
      from.once("close", (hadError) => {
        this.open.delete(from);
        if (to.destroyed) return;
        if (hadError) to.resetAndDestroy();
        else to.end();
      });
    }
  }
}
