import { createAppServer } from "../app-server";
import { checkListenHost, loadConfig } from "../config";
import { loadSessionSecret } from "../identity/session-secret";
import { createTokenSigner } from "../identity/tokens";
import { createLogger } from "../logger";
import { startupFailure } from "../startup-failure";
import { openStore } from "../store/open-store";

/**
 * The chat server as `server.ts` composes it — same configuration, store and
 * instance wiring — without Next.js, to run as a child process that crash tests
 * kill with SIGKILL. Pages answer 404; everything a bot uses is real.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  await checkListenHost(config.host);
  const logger = createLogger(config.logLevel);
  const app = await createAppServer({
    store: await openStore(config.database),
    signer: createTokenSigner(loadSessionSecret(config.sessionSecret, config.dataDir)),
    logger,
    limits: config.security,
    trustProxy: config.trustProxy,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    pages: async () => async (_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("no pages in this server");
    },
  });
  const port = await app.listen(config.port, config.host);
  logger.info({ port }, "listening");
}

main().catch((error: unknown) => {
  console.error(startupFailure(error));
  process.exit(1);
});
