import next from "next";
import { createAppServer } from "./lib/server/app-server";
import { checkListenHost, loadConfig } from "./lib/server/config";
import { loadSessionSecret } from "./lib/server/identity/session-secret";
import { createTokenSigner } from "./lib/server/identity/tokens";
import { createLogger } from "./lib/server/logger";
import { readyLine } from "./lib/server/ready-line";
import { provideServices } from "./lib/server/services";
import { startupFailure } from "./lib/server/startup-failure";
import { openStore } from "./lib/server/store/open-store";

/** Longer than the drain (requests in flight) plus flushing what is queued for clients. */
const SHUTDOWN_DEADLINE_MS = 15_000;

/** Composition root: read config, open the store, serve Next.js and Socket.IO on one port. */
async function main(): Promise<void> {
  const config = loadConfig();
  await checkListenHost(config.host);
  const logger = createLogger(config.logLevel);
  const store = await openStore(config.database);

  const app = await createAppServer({
    store,
    signer: createTokenSigner(loadSessionSecret(config.sessionSecret, config.dataDir)),
    logger,
    limits: config.security,
    trustProxy: config.trustProxy,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    metricsToken: config.metricsToken,
    async pages(httpServer) {
      const dev = config.env === "development";
      const nextApp = next({
        dev,
        dir: process.cwd(),
        hostname: config.host,
        port: config.port,
        httpServer,
      });
      await nextApp.prepare();
      return nextApp.getRequestHandler();
    },
  });
  provideServices({ store: app.store, presence: app.presence });

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
}

main().catch((error: unknown) => {
  console.error(startupFailure(error));
  process.exit(1);
});
