import { runServer } from "../run-server";

/**
 * The chat server exactly as `server.ts` composes it (run-server.ts: the same
 * configuration, store, metrics token, services, drain on SIGTERM) without
 * Next.js, to run as a child process that crash tests kill with SIGKILL.
 * Pages answer 404; everything a bot uses is real.
 */
runServer(async () => async (_req, res) => {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("no pages in this server");
});
