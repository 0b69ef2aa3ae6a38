// `npm start`: builds when there is no production build of the current sources, then serves it.
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { buildIsCurrent } from "./build-fingerprint.mjs";

const root = process.cwd();
// The build it may run and the server it starts are ours: Next.js sends no telemetry from them.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

if (!buildIsCurrent(root)) {
  console.log("No current production build: building first (npm run build)…");
  const result = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

process.env.NODE_ENV = "production";
await import(pathToFileURL(`${root}/dist/server.js`).href);
