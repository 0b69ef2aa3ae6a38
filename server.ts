import { createServer } from "node:http";
import next from "next";
import { Server } from "socket.io";
import { createChatServer } from "./lib/server/chat-server";
import type { ChatIo } from "./lib/server/chat-types";
import { ConfigError, loadConfig } from "./lib/server/config";
import { createHttpHandler } from "./lib/server/http-handler";
import { HTTP_SERVER_OPTIONS } from "./lib/server/http-server-options";
import { createIdentities } from "./lib/server/identities";
import { createLogger } from "./lib/server/logger";
import { provideServices } from "./lib/server/services";
import { loadSessionSecret } from "./lib/server/session-secret";
import { socketServerOptions } from "./lib/server/socket-options";
import { openStore } from "./lib/server/store/open-store";
import { createTokenSigner } from "./lib/server/tokens";

/** Composition root: read config, open the store, serve Next.js and Socket.IO on one port. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const store = await openStore(config.database);
  const identities = createIdentities(
    store,
    createTokenSigner(loadSessionSecret(config.sessionSecret, config.dataDir)),
  );
  provideServices({ store });

  const httpServer = createServer(HTTP_SERVER_OPTIONS);
  const dev = config.env === "development";
  const app = next({
    dev,
    dir: process.cwd(),
    hostname: config.host,
    port: config.port,
    httpServer,
  });
  let ready = false;
  const handleHttp = createHttpHandler({
    next: app.getRequestHandler(),
    isReady: () => ready,
    identities,
    trustProxy: config.trustProxy,
    logger,
  });
  httpServer.on("request", handleHttp);
  await app.prepare();

  const io: ChatIo = new Server(httpServer, socketServerOptions());
  const chat = createChatServer(io, { store, identities, logger, limits: config.security });

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  ready = true;
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info(
    { port, host: config.host, env: config.env, database: config.database.engine },
    "listening",
  );

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    ready = false;
    logger.info({ signal }, "shutting down");
    await chat.close();
    await store.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
