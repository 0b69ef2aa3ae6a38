import {
  createServer,
  type Server as HttpServer,
  type ServerOptions as HttpServerOptions,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type ServerOptions } from "socket.io";
import { type Accounts, type AccountsSetup, createAccounts } from "./accounts/accounts";
import { createBotTokenRoutes } from "./accounts/bot-token-routes";
import { createBotTokens, ownerFromAuth } from "./accounts/bot-tokens";
import { type ChatServer, createChatServer } from "./chat-server";
import { createFilesService, type FilesService, type FilesSetup } from "./files/files-service";
import { createHttpHandler } from "./http-handler";
import { createIdentities, type Identities } from "./identity/identities";
import type { TokenSigner } from "./identity/tokens";
import type { Logger } from "./logger";
import type { NotificationsConfig } from "./notifications/notifications-config";
import type { Notifier } from "./notifications/notifier";
import { createMetrics, type Metrics } from "./ops/metrics";
import { attachRedisFanout, type RedisFanout } from "./ops/redis-fanout";
import type { Presence, PresenceOptions } from "./presence/presence";
import { createPageRooms } from "./rooms/page-rooms";
import type { RoomsConfig } from "./rooms/rooms-config";
import { HTTP_SERVER_OPTIONS } from "./security/http-server-options";
import { DEFAULT_SECURITY_LIMITS, type SecurityLimits } from "./security/security-config";
import { createServedHosts } from "./security/served-hosts";
import type { PageRooms } from "./services";
import { socketServerOptions } from "./socket-options";
import { InstrumentedStore } from "./store/instrumented-store";
import { describeFault } from "./store/storage-faults";
import { describeHealth } from "./store/store-health";
import type { ChatStore } from "./store/types";
import type { ChatIo } from "./transport/socket-types";

export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export type AppServerOptions = {
  store: ChatStore;
  signer: TokenSigner;
  logger: Logger;
  limits?: Partial<SecurityLimits>;
  trustProxy: boolean;
  /** Fan broadcasts out to other instances through this Redis; one instance needs none. */
  redisUrl?: string | undefined;
  /** Channel prefix in Redis, so that deployments sharing one Redis stay apart. */
  redisPrefix?: string | undefined;
  /** When set, /metrics requires `Authorization: Bearer <token>`; else it answers loopback only. */
  metricsToken?: string | undefined;
  /** Serves every page; gets the HTTP server because Next.js hooks its dev-reload socket onto it. */
  pages: (httpServer: HttpServer) => Promise<PageHandler>;
  socketOptions?: Partial<ServerOptions>;
  httpOptions?: HttpServerOptions;
  /** Presence's batching window and list size; tests shorten the window. */
  presence?: PresenceOptions;
  /** Accounts over the same database; without them (some tests) everyone is a guest and /api/auth is absent. */
  accounts?: AccountsSetup;
  /** Who may make public rooms (PUBLIC_ROOM_CREATION); anyone when absent. */
  rooms?: RoomsConfig;
  /** Web Push and its delay; without it, only open tabs hear of messages. */
  notifications?: NotificationsConfig;
  /** File storage, uploads and downloads; without it (some tests) /api/uploads and /api/files are absent. */
  files?: FilesSetup;
  /** Told when a delete released files, for tests of the chat without file routes (`files` wires its own sweeper). */
  sweepSoon?: () => void;
};

export type AppServer = {
  httpServer: HttpServer;
  io: ChatIo;
  store: ChatStore;
  identities: Identities;
  accounts: Accounts | null;
  metrics: Metrics;
  redis: RedisFanout | null;
  /** Who is online, across every instance. */
  presence: Pick<Presence, "onlineCounts">;
  /** Tells people of messages: their tabs, and Web Push. */
  notifier: Notifier;
  /** What pages ask about rooms, by the same rules and cache as the chat. */
  rooms: PageRooms;
  /** File storage and its sweeper; null without `files`. */
  files: FilesService | null;
  /** Requests received and not yet answered. */
  inFlightRequests(): number;
  /** Starts listening; resolves with the port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /**
   * Graceful stop for rolling restarts: report not ready, stop accepting
   * connections, let requests in flight finish (their acks go out), then
   * close every socket — clients reconnect, through the load balancer, to
   * another instance — and release Redis and the store.
   */
  shutdown(drainTimeoutMs?: number): Promise<void>;
};

const DEFAULT_DRAIN_TIMEOUT_MS = 5_000;
const READINESS_TIMEOUT_MS = 1_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Storage faults are told once, when they begin and when they end — not once
 * per refused request, which would flood the log while a disk is full.
 * Damage is an error an operator must act on; it is logged as such.
 */
function reportStoreHealth(store: ChatStore, logger: Logger, metrics: Metrics): () => void {
  return store.health.subscribe((state, previous) => {
    switch (state.status) {
      case "failing":
        metrics.databaseFault(state.fault.kind);
        logger.error(
          { fault: state.fault },
          `database writes failing: ${describeFault(state.fault)}; sends are answered unavailable until a write succeeds`,
        );
        return;
      case "corrupt":
        metrics.databaseFault("corrupt");
        logger.error(
          { fault: state.fault, detail: state.detail },
          `DATABASE DAMAGED, writes stopped until it is restored and the server restarted: ${state.detail}`,
        );
        return;
      case "ok":
        if (previous.status === "failing")
          logger.warn(
            { fault: previous.fault, failedForMs: Date.now() - previous.since.getTime() },
            "database writes work again",
          );
        return;
    }
  });
}

/**
 * One Scrollback instance: an HTTP server that answers the operational
 * endpoints, serves pages and carries Socket.IO, with the chat, its metrics
 * and (optionally) Redis fan-out wired in. server.ts and the integration tests
 * build instances with this same function.
 */
export async function createAppServer(options: AppServerOptions): Promise<AppServer> {
  const { logger } = options;
  const httpServer = createServer({ ...HTTP_SERVER_OPTIONS, ...options.httpOptions });
  let io: ChatIo | undefined;
  const metrics = createMetrics({
    connectedSockets: () => io?.engine.clientsCount ?? 0,
    databaseHealth: () => options.store.health.current.status,
  });
  const store = new InstrumentedStore(options.store, metrics.databaseLatency);
  const stopReportingHealth = reportStoreHealth(store, logger, metrics);
  const identities = createIdentities(store, options.signer);

  const limits = { ...DEFAULT_SECURITY_LIMITS, ...options.limits, trustProxy: options.trustProxy };
  const accounts = options.accounts
    ? createAccounts(options.accounts, {
        store,
        identities,
        logger,
        trustProxy: options.trustProxy,
        allowedOrigins: limits.allowedOrigins,
      })
    : null;
  const botTokens = accounts
    ? createBotTokens({ store, owner: ownerFromAuth(accounts.auth) })
    : null;
  const servedHosts = createServedHosts(limits);

  let state: "starting" | "serving" | "stopping" = "starting";
  let redis: RedisFanout | null = null;
  // Made once the chat (and its Membership, which the file route asks) exists; requests wait for listen.
  let files: FilesService | null = null;

  const handleHttp = createHttpHandler({
    pages: await options.pages(httpServer),
    isAlive: () => state !== "starting",
    isDraining: () => state === "stopping",
    readiness: async () => {
      const reachable = await withTimeout(store.ping(), READINESS_TIMEOUT_MS).then(
        () => true,
        () => false,
      );
      // A database that answers may still refuse every write (a full disk, a
      // lock held elsewhere, damage): the store's own write results decide.
      const health = store.health.current;
      const database = !reachable
        ? "unavailable"
        : health.status === "ok"
          ? "ok"
          : health.status === "failing"
            ? "writes failing"
            : "corrupt";
      const redisState =
        redis === null
          ? ("not configured" as const)
          : redis.isReady()
            ? ("ok" as const)
            : ("unavailable" as const);
      const ready = state === "serving" && database === "ok" && redisState !== "unavailable";
      const checks: Record<string, string> = { server: state, database, redis: redisState };
      if (reachable && health.status !== "ok") checks.databaseProblem = describeHealth(health);
      return { ready, checks };
    },
    metrics: {
      render: () => metrics.render(),
      contentType: metrics.contentType,
      token: options.metricsToken,
    },
    identities,
    accounts,
    botTokenRoutes:
      accounts && botTokens
        ? createBotTokenRoutes({
            accounts,
            botTokens,
            trustProxy: options.trustProxy,
            allowedOrigins: limits.allowedOrigins,
          })
        : undefined,
    trustProxy: options.trustProxy,
    servesHost: (host) => servedHosts.serves(host),
    fileRoutes: options.files
      ? {
          uploads: (req, res) =>
            files ? files.uploads(req, res) : Promise.reject(new Error("files not ready")),
          files: (req, res) =>
            files ? files.files(req, res) : Promise.reject(new Error("files not ready")),
        }
      : undefined,
    logger,
  });
  httpServer.on("request", handleHttp);

  io = new Server(httpServer, socketServerOptions(options.socketOptions));
  // While draining, new connections are turned away (the client retries, and
  // the load balancer sends it elsewhere) but open ones keep being served.
  io.engine.opts.allowRequest = (_request, callback) => {
    if (state === "stopping") callback("server is shutting down", false);
    else callback(null, true);
  };
  if (options.redisUrl) {
    redis = await attachRedisFanout(
      io,
      options.redisUrl,
      options.redisPrefix ?? "scrollback",
      logger,
    );
  }
  const chat: ChatServer = createChatServer(
    io,
    {
      store,
      identities,
      logger,
      limits,
      metrics,
      servedHosts,
      ...(options.rooms ? { rooms: options.rooms } : {}),
      ...(options.notifications ? { notifications: options.notifications } : {}),
      ...(options.files
        ? { files: { sweepSoon: () => files?.sweeper.sweepSoon() } }
        : options.sweepSoon
          ? { files: { sweepSoon: options.sweepSoon } }
          : {}),
      accounts: accounts
        ? {
            guestAccess: accounts.config.guestAccess,
            signedInFromCookie: accounts.signedInFromCookie,
            botFromToken: botTokens ? botTokens.botFromToken : undefined,
          }
        : undefined,
    },
    { presence: options.presence ?? {} },
  );
  const chatIo = io;
  if (options.files)
    files = createFilesService(options.files, {
      identities,
      accounts: accounts
        ? {
            guestAccess: accounts.config.guestAccess,
            signedInFromCookie: accounts.signedInFromCookie,
            botFromToken: botTokens?.botFromToken,
          }
        : null,
      uploads: store.uploads,
      membership: chat.membership,
      trustProxy: options.trustProxy,
      allowedOrigins: limits.allowedOrigins,
      logger,
    });
  accounts?.attach(chatIo);
  botTokens?.attach(chatIo);

  return {
    httpServer,
    io: chatIo,
    store,
    identities,
    accounts,
    metrics,
    redis,
    presence: chat.presence,
    notifier: chat.notifier,
    rooms: createPageRooms({
      store,
      presence: chat.presence,
      accounts,
      identities,
      membership: chat.membership,
    }),
    files,
    inFlightRequests: () => chat.inFlightRequests(),
    async listen(port, host) {
      // A restart's cleanup first: partials and bytes a killed process left behind.
      await files?.sweeper.start();
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          resolve();
        });
      });
      servedHosts.listeningOn(host);
      state = "serving";
      return (httpServer.address() as AddressInfo).port;
    },
    async shutdown(drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS) {
      if (state === "stopping") return;
      state = "stopping";
      // The listener stays open until the end: closing it (or its idle
      // connections, which include upgraded WebSockets) would drop every
      // WebSocket at once, before the requests in flight are answered.
      const drained = await chat.drain(drainTimeoutMs);
      if (!drained) logger.warn("requests still in flight at shutdown; their clients will resend");
      await chat.close();
      await files?.close();
      await redis?.close();
      await accounts?.close();
      stopReportingHealth();
      await store.close();
    },
  };
}
