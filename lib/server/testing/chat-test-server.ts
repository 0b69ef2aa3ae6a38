import { mkdtempSync, rmSync } from "node:fs";
import type { ServerOptions as HttpServerOptions } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerOptions } from "socket.io";
import { io as connect, type ManagerOptions, type SocketOptions } from "socket.io-client";
import type { ChatClientSocket } from "../../client/room-client";
import type {
  ChatMessage,
  RequestEvent,
  RequestOf,
  Result,
  ResultOf,
  ServerToClientEvents,
  SessionInfo,
  User,
} from "../../shared/protocol";
import { type AccountsConfig, DEFAULT_ACCOUNTS_CONFIG } from "../accounts/accounts-config";
import { type AppServer, createAppServer } from "../app-server";
import type { DatabaseTarget } from "../config";
import type { FilesSetup } from "../files/files-service";
import type { Identities } from "../identity/identities";
import { createTokenSigner } from "../identity/tokens";
import { type Logger, silentLogger } from "../logger";
import type { NotificationsConfig } from "../notifications/notifications-config";
import type { RoomsConfig } from "../rooms/rooms-config";
import { DEFAULT_SECURITY_LIMITS, type SecurityLimits } from "../security/security-config";
import { SqliteStore } from "../store/sqlite-store";
import type { ChatStore } from "../store/types";
import type { ChatIo } from "../transport/socket-types";

export const TEST_SECRET = "test-secret-that-is-long-enough-for-hmac-signing";

/** How long a test waits for an answer or an event; generous, for a busy machine. */
export const WAIT_MS = 10_000;

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
  deliveriesPerIpPerSecond: UNLIMITED,
  deliveryBurstPerIp: UNLIMITED,
  rewriteBytesPerIpPerSecond: UNLIMITED,
  rewriteByteBurstPerIp: UNLIMITED,
  eventsPerSecond: UNLIMITED,
  eventBurst: UNLIMITED,
  renamesPerMinute: UNLIMITED,
  renamesPerIpPerMinute: UNLIMITED,
  readsPerMinute: UNLIMITED,
  readsPerIpPerMinute: UNLIMITED,
  joinsPerMinute: UNLIMITED,
  joinsPerIpPerMinute: UNLIMITED,
  typingPerMinute: UNLIMITED,
  typingPerIpPerMinute: UNLIMITED,
  roomsPerHour: UNLIMITED,
  roomsPerIpPerHour: UNLIMITED,
  historyBytesPerIpPerSecond: UNLIMITED,
  historyByteBurstPerIp: UNLIMITED,
  maxHistoryRequestsPerIp: UNLIMITED,
  connectionsPerIpPerSecond: UNLIMITED,
};

export type ChatTestServerOptions = {
  /** The store for the database at `path`; SQLite unless a test brings another engine. */
  openStore?: (path: string) => ChatStore | Promise<ChatStore>;
  /** Fan out through this Redis, as instances of one deployment do. */
  redisUrl?: string;
  /** Instances of one test share a prefix; other tests on the same Redis use theirs. */
  redisPrefix?: string;
  metricsToken?: string;
  /** Overrides of TEST_LIMITS; small ones let a test reach a limit in a few requests. */
  limits?: Partial<SecurityLimits>;
  /** Socket.IO options, e.g. short heartbeats. */
  socketOptions?: Partial<ServerOptions>;
  /** Node HTTP server options, e.g. short header timeouts. */
  httpOptions?: HttpServerOptions;
  logger?: Logger;
  /** Accounts settings over DEFAULT_ACCOUNTS_CONFIG (guests on, no mail, no SSO, loose sign-in limits). */
  accounts?: Partial<AccountsConfig>;
  /** The database accounts use when the store is not the default SQLite file (Postgres tests). */
  database?: DatabaseTarget;
  /** How often signed-in connections are re-checked against the database (production: 30 s). */
  sessionSweepMs?: number;
  /** Who may make public rooms (PUBLIC_ROOM_CREATION); anyone unless set. */
  rooms?: RoomsConfig;
  /** Web Push (to a test receiver) and its delay; off unless set. */
  notifications?: NotificationsConfig;
  /** File storage, uploads and downloads, given the server's temporary directory. */
  files?: ((dir: string) => FilesSetup) | { sweepSoon(): void };
};

/** Sign-in limits out of the way of tests that sign in often; tests of the limits set their own. */
const TEST_SIGN_IN_LIMITS: AccountsConfig["signInLimits"] = {
  perAccount: 1_000,
  perAddress: 10_000,
  windowMs: 60_000,
};

/**
 * The chat server as integration tests run it: a real HTTP server on port 0,
 * real Socket.IO, a real SQLite file in a temporary directory, no Next.js.
 * `restart()` closes everything but the database file and starts again on it.
 */
export class ChatTestServer {
  app!: AppServer;
  io!: ChatIo;
  store!: ChatStore;
  identities!: Identities;
  port = 0;
  private readonly clients = new Set<ChatClientSocket>();

  private constructor(
    readonly dir: string,
    private readonly openStore: (path: string) => ChatStore | Promise<ChatStore>,
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
    const limits = { ...TEST_LIMITS, ...this.options.limits };
    const app = await createAppServer({
      store: await this.openStore(this.dbPath),
      signer: createTokenSigner(TEST_SECRET),
      logger: this.options.logger ?? silentLogger,
      limits,
      trustProxy: limits.trustProxy,
      redisUrl: this.options.redisUrl,
      redisPrefix: this.options.redisPrefix,
      metricsToken: this.options.metricsToken,
      ...(this.options.rooms ? { rooms: this.options.rooms } : {}),
      ...(this.options.notifications ? { notifications: this.options.notifications } : {}),
      ...(typeof this.options.files === "function"
        ? { files: this.options.files(this.dir) }
        : this.options.files
          ? { sweepSoon: this.options.files.sweepSoon }
          : {}),
      pages: async () => async (_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<!doctype html><title>page</title>");
      },
      socketOptions: this.options.socketOptions,
      httpOptions: this.options.httpOptions,
      accounts: {
        database: this.options.database ?? { engine: "sqlite", path: this.dbPath },
        config: {
          ...DEFAULT_ACCOUNTS_CONFIG,
          signInLimits: TEST_SIGN_IN_LIMITS,
          ...this.options.accounts,
        },
        secret: TEST_SECRET,
        sweepIntervalMs: this.options.sessionSweepMs,
      },
    });
    this.app = app;
    this.io = app.io;
    this.store = app.store;
    this.identities = app.identities;
    this.port = await app.listen(this.port, "127.0.0.1");
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
      const timer = setTimeout(
        () => reject(new Error(`no session event within ${WAIT_MS} ms`)),
        WAIT_MS,
      );
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

  /** A page request as a browser makes it, with the cookie header it would send, if any. */
  fetchPage(path = "/chat/test", cookie?: string): Promise<Response> {
    return fetch(`${this.url}${path}`, cookie ? { headers: { cookie } } : {});
  }

  /** The identity cookie a first page load issues, as a browser would send it back (`name=value`). */
  async issueIdentityCookie(): Promise<string> {
    const response = await this.fetchPage();
    await response.body?.cancel();
    const pair = response.headers.getSetCookie()[0]?.split(";", 1)[0];
    if (!pair) throw new Error("the page response set no cookie");
    return pair;
  }

  /** Closes the server and its store, keeps the database file, and starts again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  private async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    this.clients.clear();
    await this.app.shutdown(0);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The bot token a session carries; throws for a session without one (a browser's, with the cookie). */
export function botTokenOf(session: SessionInfo): string {
  if (session.token === undefined) throw new Error("this session carries no bot token");
  return session.token;
}

/** Sends a request and resolves with its acknowledgement (rejects after WAIT_MS without one). */
export function request<E extends RequestEvent>(
  socket: ChatClientSocket,
  event: E,
  payload: RequestOf<E>,
): Promise<Result<ResultOf<E>>> {
  const emitter = socket.timeout(WAIT_MS) as unknown as {
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
  const emitter = socket.timeout(WAIT_MS) as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
  };
  return emitter.emitWithAck(event, ...args);
}

/** Emits without waiting for (or offering) an acknowledgement, as a careless client might. */
export function rawEmit(socket: ChatClientSocket, event: string, ...args: unknown[]): void {
  (socket as unknown as { emit(event: string, ...args: unknown[]): void }).emit(event, ...args);
}

/**
 * Resolves once everything the server sent this socket before now has arrived:
 * a connection delivers in order, so the answer to a request made now comes
 * after any earlier event. This is how a test knows an event will never come.
 */
export async function settle(socket: ChatClientSocket): Promise<void> {
  const reply = await rawRequest(socket, "history:after", { room: "settle", after: 0, limit: 1 });
  if (!(reply as { ok?: boolean }).ok)
    throw new Error(`settle request failed: ${JSON.stringify(reply)}`);
}

/** The next `event` this socket receives (rejects after WAIT_MS without one). */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ChatClientSocket,
  event: E,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} event within ${WAIT_MS} ms`));
    }, WAIT_MS);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, listener as never);
  });
}

/** Stores `count` messages in a room straight through the store; texts are "m1", "m2", … */
export async function seedMessages(
  store: ChatStore,
  room: string,
  count: number,
  author: User = { id: "seed-author", name: "Seeder" },
): Promise<ChatMessage[]> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      store.messages.append({ room, author, clientId: `seed-${i + 1}`, text: `m${i + 1}` }),
    ),
  );
  return results.map((r) => r.message).sort((a, b) => a.seq - b.seq);
}

/** Collects `message:created` events as they arrive. */
export function collectMessages(socket: ChatClientSocket): ChatMessage[] {
  const received: ChatMessage[] = [];
  socket.on("message:created", (message) => received.push(message));
  return received;
}

/**
 * Polls until `check` passes or the time is up; for events that arrive
 * asynchronously. An async check is awaited: its rejection is a failed try,
 * never an unhandled rejection, and the last one is what the test reports.
 */
export async function eventually(
  check: () => void | Promise<void>,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The integers from `from` to `to`, both included: the seqs a page should hold. */
export const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

export const seqs = (messages: ChatMessage[]) => messages.map((m) => m.seq);
