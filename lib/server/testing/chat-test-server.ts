import { mkdtempSync, rmSync } from "node:fs";
import {
  createServer,
  type Server as HttpServer,
  type ServerOptions as HttpServerOptions,
} from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, type ServerOptions } from "socket.io";
import { io as connect, type ManagerOptions, type SocketOptions } from "socket.io-client";
import type { ChatClientSocket } from "../../client/room-client";
import type {
  ChatMessage,
  RequestEvent,
  RequestOf,
  Result,
  ResultOf,
  SessionInfo,
} from "../../shared/protocol";
import { type ChatServer, createChatServer } from "../chat-server";
import type { ChatIo } from "../chat-types";
import { createHttpHandler } from "../http-handler";
import { HTTP_SERVER_OPTIONS } from "../http-server-options";
import { createIdentities, type Identities } from "../identities";
import { type Logger, silentLogger } from "../logger";
import { DEFAULT_SECURITY_LIMITS, type SecurityLimits } from "../security-config";
import { socketServerOptions } from "../socket-options";
import { SqliteStore } from "../store/sqlite-store";
import type { ChatStore } from "../store/types";
import { createTokenSigner } from "../tokens";

export const TEST_SECRET = "test-secret-that-is-long-enough-for-hmac-signing";

/**
 * Tests of other features send faster than any person would, so the rate
 * budgets are lifted unless a test sets them; every other defence is as in
 * production. Tests of the limits pass their own (or DEFAULT_SECURITY_LIMITS).
 */
const UNLIMITED = 1_000_000_000;
export const TEST_LIMITS: SecurityLimits = {
  ...DEFAULT_SECURITY_LIMITS,
  messagesPerSecond: UNLIMITED,
  messageBurst: UNLIMITED,
  messagesPerIpPerSecond: UNLIMITED,
  messageBurstPerIp: UNLIMITED,
  eventsPerSecond: UNLIMITED,
  eventBurst: UNLIMITED,
  connectionsPerIpPerSecond: UNLIMITED,
};

export type ChatTestServerOptions = {
  openStore?: (path: string) => ChatStore;
  /** Overrides of TEST_LIMITS; small ones let a test reach a limit in a few requests. */
  limits?: Partial<SecurityLimits>;
  /** Socket.IO options, e.g. short heartbeats. */
  socketOptions?: Partial<ServerOptions>;
  /** Node HTTP server options, e.g. short header timeouts. */
  httpOptions?: HttpServerOptions;
  logger?: Logger;
};

/**
 * The chat server as integration tests run it: a real HTTP server on port 0,
 * real Socket.IO, a real SQLite file in a temporary directory, no Next.js.
 * `restart()` closes everything but the database file and starts again on it.
 */
export class ChatTestServer {
  private http!: HttpServer;
  private chat!: ChatServer;
  io!: ChatIo;
  store!: ChatStore;
  identities!: Identities;
  port = 0;
  private readonly clients = new Set<ChatClientSocket>();

  private constructor(
    readonly dir: string,
    private readonly openStore: (path: string) => ChatStore,
    private readonly options: ChatTestServerOptions,
  ) {}

  static async start(options: ChatTestServerOptions = {}): Promise<ChatTestServer> {
    const server = new ChatTestServer(
      mkdtempSync(join(tmpdir(), "scrollback-test-")),
      options.openStore ?? ((path) => new SqliteStore(path)),
      options,
    );
    await server.listen();
    return server;
  }

  get dbPath(): string {
    return join(this.dir, "scrollback.db");
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async listen(): Promise<void> {
    const logger = this.options.logger ?? silentLogger;
    const limits = { ...TEST_LIMITS, ...this.options.limits };
    this.store = this.openStore(this.dbPath);
    this.identities = createIdentities(this.store, createTokenSigner(TEST_SECRET));
    const handler = createHttpHandler({
      next: async (_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<!doctype html><title>page</title>");
      },
      isReady: () => true,
      identities: this.identities,
      trustProxy: limits.trustProxy,
      logger,
    });
    this.http = createServer({ ...HTTP_SERVER_OPTIONS, ...this.options.httpOptions }, handler);
    this.io = new Server(this.http, socketServerOptions(this.options.socketOptions));
    this.chat = createChatServer(this.io, {
      store: this.store,
      identities: this.identities,
      logger,
      limits,
    });
    await new Promise<void>((resolve) => this.http.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.http.address() as AddressInfo).port;
  }

  /** A connected socket.io-client, with its first `session` event. */
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
      const timer = setTimeout(() => reject(new Error("no session event within 5 s")), 5_000);
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

  /** Closes the server and its store, keeps the database file, and starts again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  private async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    this.clients.clear();
    await this.chat.close();
    await this.store.close();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Sends a request and resolves with its acknowledgement (rejects after 5 s without one). */
export function request<E extends RequestEvent>(
  socket: ChatClientSocket,
  event: E,
  payload: RequestOf<E>,
): Promise<Result<ResultOf<E>>> {
  const emitter = socket.timeout(5_000) as unknown as {
    emitWithAck(event: E, payload: RequestOf<E>): Promise<Result<ResultOf<E>>>;
  };
  return emitter.emitWithAck(event, payload);
}

/** Sends anything at all as an event, for tests of what the server does with bad input. */
export function rawRequest(
  socket: ChatClientSocket,
  event: string,
  ...args: unknown[]
): Promise<unknown> {
  const emitter = socket.timeout(5_000) as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
  };
  return emitter.emitWithAck(event, ...args);
}

/** Collects `message:created` events as they arrive. */
export function collectMessages(socket: ChatClientSocket): ChatMessage[] {
  const received: ChatMessage[] = [];
  socket.on("message:created", (message) => received.push(message));
  return received;
}

/** Polls until `check` passes or the time is up; for events that arrive asynchronously. */
export async function eventually(check: () => void, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
