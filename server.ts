import next from "next";
import { runServer } from "./lib/server/run-server";

/** Composition root: the instance as lib/server/run-server.ts composes it, with Next.js serving the pages. */
runServer(async (config, httpServer) => {
  const nextApp = next({
    dev: config.env === "development",
    dir: process.cwd(),
    hostname: config.host,
    port: config.port,
    httpServer,
  });
  await nextApp.prepare();
  return nextApp.getRequestHandler();
});
