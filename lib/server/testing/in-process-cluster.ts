import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ClusterAdapter,
  type ClusterMessage,
  type ClusterResponse,
  type Offset,
} from "socket.io-adapter";
import { io as connect, type ManagerOptions, type SocketOptions } from "socket.io-client";
import type { ChatClientSocket } from "../../client/room-client";
import type { SessionInfo } from "../../shared/protocol";
import { type AppServer, createAppServer } from "../app-server";
import { createTokenSigner } from "../identity/tokens";
import { silentLogger } from "../logger";
import type { PresenceOptions } from "../presence/presence";
import { SqliteStore } from "../store/sqlite-store";
import type { ChatIo } from "../transport/socket-types";
import { TEST_LIMITS, TEST_SECRET, WAIT_MS } from "./chat-test-server";

/**
 * Several chat server instances in one process, joined by a Socket.IO cluster
 * adapter whose "network" is a function call on the next turn of the event
 * loop, in publish order, as Redis pub/sub delivers. It runs the same
 * cluster code paths as the Redis adapter (broadcasts, fetchSockets across
 * instances) with nothing to install. The instances share one SQLite file,
 * as real instances share one database.
 */
export class InProcessCluster {
  private readonly adapters = new Set<InProcessAdapter>();
  /** While set, asking the cluster which sockets are where fails, as it does while Redis is down. */
  lookupsFail = false;
  readonly nodes: ClusterNode[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), "scrollback-cluster-"));

  /** Starts another instance on port 0. */
  async addNode(presence: PresenceOptions = {}): Promise<ClusterNode> {
    const cluster = this;
    class Adapter extends InProcessAdapter {
      constructor(nsp: unknown) {
        super(nsp, cluster.adapters);
      }
      override fetchSockets(opts: Parameters<InProcessAdapter["fetchSockets"]>[0]) {
        if (cluster.lookupsFail && !opts.flags?.local)
          return Promise.reject(new Error("the cluster did not answer"));
        return super.fetchSockets(opts);
      }
    }
    const node = await ClusterNode.start(join(this.dir, "scrollback.db"), Adapter, presence);
    this.nodes.push(node);
    return node;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.splice(0).map((node) => node.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

class InProcessAdapter extends ClusterAdapter {
  constructor(
    nsp: unknown,
    private readonly members: Set<InProcessAdapter>,
  ) {
    super(nsp);
    members.add(this);
  }

  private peers(): InProcessAdapter[] {
    return [...this.members].filter((m) => m !== this && m.nsp.name === this.nsp.name);
  }

  protected override async doPublish(message: ClusterMessage): Promise<Offset> {
    const copy = structuredClone(message);
    const peers = this.peers();
    setImmediate(() => {
      for (const peer of peers) peer.onMessage(structuredClone(copy));
    });
    return "";
  }

  protected override async doPublishResponse(
    requesterUid: string,
    response: ClusterResponse,
  ): Promise<void> {
    const copy = structuredClone(response);
    const requester = this.peers().find((m) => m.uid === requesterUid);
    setImmediate(() => requester?.onResponse(copy));
  }

  override serverCount(): Promise<number> {
    return Promise.resolve(this.peers().length + 1);
  }

  override close(): void {
    this.members.delete(this);
  }
}

/**
 * One instance of the cluster, composed as production composes one
 * (createAppServer: the instrumented store, the defences, the drain on
 * shutdown) with this cluster's adapter in place of Redis; no Next.js.
 */
export class ClusterNode {
  private readonly clients = new Set<ChatClientSocket>();

  private constructor(
    readonly app: AppServer,
    readonly url: string,
  ) {}

  get io(): ChatIo {
    return this.app.io;
  }

  static async start(
    dbPath: string,
    adapter: new (nsp: unknown) => InProcessAdapter,
    presence: PresenceOptions,
  ): Promise<ClusterNode> {
    const app = await createAppServer({
      store: new SqliteStore(dbPath),
      signer: createTokenSigner(TEST_SECRET),
      logger: silentLogger,
      limits: TEST_LIMITS,
      trustProxy: false,
      pages: async () => async (_req, res) => {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("no pages in this cluster");
      },
      socketOptions: { adapter: adapter as never },
      presence,
    });
    const port = await app.listen(0, "127.0.0.1");
    return new ClusterNode(app, `http://127.0.0.1:${port}`);
  }

  /** A connected client with its first `session`. */
  async connect(
    options: Partial<ManagerOptions & SocketOptions> = {},
  ): Promise<{ socket: ChatClientSocket; session: SessionInfo }> {
    const socket: ChatClientSocket = connect(this.url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      ...options,
    });
    this.clients.add(socket);
    const session = await new Promise<SessionInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no session event")), WAIT_MS);
      socket.once("session", (info) => {
        clearTimeout(timer);
        resolve(info);
      });
      socket.once("connect_error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return { socket, session };
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await this.app.shutdown(0);
  }
}
