import { join } from "node:path";
import { PROJECT_ROOT, ServerProcess } from "../../lib/server/testing/server-process";

/**
 * The production server (dist/server.js) as a child process on its own port
 * and data directory, which a test can stop, kill and start again.
 */
export const AppServer = {
  start(env: Record<string, string> = {}): Promise<ServerProcess> {
    return ServerProcess.start({ args: [join(PROJECT_ROOT, "dist", "server.js")], env });
  },
};

export type AppServer = ServerProcess;
