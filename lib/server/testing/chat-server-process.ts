import { createServer } from "node:http";
import { Server } from "socket.io";
import { createChatServer } from "../chat-server";
import type { ChatIo } from "../chat-types";
import { ConfigError, loadConfig } from "../config";
import { createHttpHandler } from "../http-handler";
import { createIdentities } from "../identities";
import { createLogger } from "../logger";
import { loadSessionSecret } from "../session-secret";
import { socketServerOptions } from "../socket-options";
import { openStore } from "../store/open-store";
import { createTokenSigner } from "../tokens";

/**
 * The chat server as `server.ts` composes it — configuration, store, identities,
 * HTTP handler, Socket.IO — without Next.js, to run as a child process that
 * crash tests kill with SIGKILL. Pages answer 404; everything a bot uses is real.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const store = await openStore(config.database);
  const identities = createIdentities(
    store,
    createTokenSigner(loadSessionSecret(config.sessionSecret, config.dataDir)),
  );
  let listening = false;
  const httpServer = createServer(
    createHttpHandler({
      next: async (_req, res) => {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("no pages in this server");
      },
      isReady: () => listening,
      identities,
      trustProxy: false,
      logger,
    }),
  );
  const io: ChatIo = new Server(httpServer, socketServerOptions());
  createChatServer(io, { store, identities, logger });
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  listening = true;
  logger.info({ port: config.port }, "listening");
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
