import type { Server as HttpServer } from "node:http";
import { type AppServer, createAppServer, type PageHandler } from "./app-server";
import { type Config, checkListenHost, loadConfig } from "./config";
import { loadSessionSecret } from "./identity/session-secret";
import { createTokenSigner } from "./identity/tokens";
import { createLogger } from "./logger";
import { notificationsConfig } from "./notifications/notifications-config";
import { readyLine } from "./ready-line";
import { provideServices } from "./services";
import { startupFailure } from "./startup-failure";
import { openStore } from "./store/open-store";

/** Longer than the drain (requests in flight) plus flushing what is queued for clients. */
const SHUTDOWN_DEADLINE_MS = 15_000;

/** How pages are served: Next.js in server.ts, a stand-in in the test process. */
export type ServePages = (config: Config, httpServer: HttpServer) => Promise<PageHandler>;

/**
 * The whole composition of a running instance: read config, open the store,
 * serve pages and Socket.IO on one port, drain on SIGTERM/SIGINT. server.ts
 * and the test server process (testing/chat-server-process.ts) both call this,
 * so what crash tests kill is wired exactly as production — only the pages differ.
 */
export async function startServer(pages: ServePages): Promise<AppServer> {
  const config = loadConfig();
  await checkListenHost(config.host);
  const logger = createLogger(config.logLevel);
  const store = await openStore(config.database);

  const secret = loadSessionSecret(config.sessionSecret, config.dataDir);
  if (config.notifications.allowLoopbackEndpoints)
    logger.warn(
      "PUSH_ALLOW_LOOPBACK is on: push endpoints on this machine are accepted (tests only)",
    );
  const app = await createAppServer({
    store,
    signer: createTokenSigner(secret),
    accounts: { database: config.database, config: config.accounts, secret },
    logger,
    limits: config.security,
    trustProxy: config.trustProxy,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    metricsToken: config.metricsToken,
    rooms: config.rooms,
    files: { config: config.files },
    notifications: notificationsConfig(
      config.notifications,
      config.dataDir,
      config.accounts.publicUrl,
    ),
    pages: (httpServer) => pages(config, httpServer),
  });
  if (!app.accounts) throw new Error("accounts were not set up");
  provideServices({
    store: app.store,
    presence: app.presence,
    accounts: app.accounts,
    rooms: app.rooms,
  });

  const port = await app.listen(config.port, config.host);
  logger.info(
    {
      port,
      host: config.host,
      env: config.env,
      database: config.database.engine,
      redis: Boolean(config.redisUrl),
    },
    "listening",
  );
  // For a person at a terminal, the address to open; JSON logs alone say it to machines.
  const ready = readyLine({ host: config.host, port, isTTY: Boolean(process.stdout.isTTY) });
  if (ready) process.stdout.write(`${ready}\n`);

  const shutdown = async (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down: draining");
    // A stop that hangs would hold up a rolling restart; after this long, just go.
    setTimeout(() => {
      logger.error("shutdown took too long; exiting anyway");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await app.shutdown();
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
  return app;
}

/** Starts the server, or says in one line why it could not and exits. */
export function runServer(pages: ServePages): void {
  startServer(pages).catch((error: unknown) => {
    console.error(startupFailure(error));
    process.exit(1);
  });
}
