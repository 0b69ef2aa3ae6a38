// `npm run bench [-- --quick] [-- --only=fanout,private-fanout,history,reactions,catchup,writes,connections,storms,accounts,hostile,search,notify-fanout,uploads]
// [-- --previous=<commit> | --no-previous]`: measures Scrollback's production build,
// so it builds first when the build is missing or stale, then runs the benchmark
// (bench/main.ts) under tsx; fan-out and history also measure the previous build beside it.
import { spawnSync } from "node:child_process";
import { buildIsCurrent } from "../scripts/build-fingerprint.mjs";

const root = process.cwd();
/** Scenarios that run the store in process, with no server build to measure. */
const WITHOUT_BUILD = ["search"];
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const needsBuild = !only || only.some((name) => !WITHOUT_BUILD.includes(name));
if (needsBuild && !buildIsCurrent(root)) {
  console.error("No current production build: building first (npm run build)…");
  const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(
  process.execPath,
  ["--import", "tsx", "bench/main.ts", ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  },
);
process.exit(run.status ?? 1);
