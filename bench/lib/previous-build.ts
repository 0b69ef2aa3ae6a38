import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/server/testing/server-process";
import type { Progress } from "./context";

/**
 * The build the figures are compared with: the last commit of main before
 * the change log (issue 13). `--previous=<commit>` compares with another.
 */
export const DEFAULT_PREVIOUS_COMMIT = "3fc6a63";

/**
 * Where previous builds are kept, one folder per commit, so that a second run
 * reuses the first's build. Outside the checkout: nested in it, Next.js would
 * take this checkout for the previous build's workspace root, and the tests,
 * type check and linter would find the old tree's files.
 */
const CACHE = process.env.BENCH_PREVIOUS_DIR ?? join(tmpdir(), "scrollback-bench-previous");
const READY = ".bench-ready";

export type PreviousBuild = {
  commit: string;
  /** The tree of that commit, with its own production build. */
  dir: string;
  /** Node arguments that start that build's production server. */
  entry: string[];
};

const git = (...args: string[]) =>
  execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, {
    cwd,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd} (exit ${result.status})`);
}

/**
 * The previous build, built once per commit: that commit's files (git
 * archive, no worktree bookkeeping), this checkout's node_modules as hard
 * links (same file system as the checkout, else a copy) (the same dependencies but one, which nothing imported, and no
 * download), then that commit's own `next build` and server bundle. The
 * server runs from that folder, so Next.js serves that build's pages.
 */
export function preparePreviousBuild(commitish: string, progress: Progress): PreviousBuild {
  const commit = git("rev-parse", "--verify", `${commitish}^{commit}`);
  const dir = join(CACHE, commit);
  const entry = [join(dir, "dist/server.js")];
  if (existsSync(join(dir, READY))) return { commit, dir, entry };

  progress(`building the previous build (${commit.slice(0, 7)}) into ${dir} — once per commit…`);
  const startedAt = performance.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync("sh", ["-c", `git archive ${commit} | tar -x -C "${dir}"`], { cwd: PROJECT_ROOT });
  try {
    execFileSync("cp", ["-al", join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules")]);
  } catch {
    rmSync(join(dir, "node_modules"), { recursive: true, force: true });
    execFileSync("cp", ["-a", join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules")]);
  }
  run(process.execPath, [join(dir, "node_modules/next/dist/bin/next"), "build"], dir);
  run(process.execPath, ["scripts/build-server.mjs"], dir);
  writeFileSync(join(dir, READY), `${new Date().toISOString()}\n`);
  progress(`  previous build ready in ${Math.round((performance.now() - startedAt) / 1000)} s`);
  return { commit, dir, entry };
}

/**
 * Seeds a SQLite file with `count` messages in the bench room through the
 * previous build's own seeding code and migrations, so that its server opens
 * a database of its own schema.
 */
export function seedWithPreviousBuild(build: PreviousBuild, file: string, count: number): void {
  const script = join(build.dir, "bench/.seed-previous.ts");
  writeFileSync(
    script,
    `import { seedScrollbackHistory } from "./lib/seed-history";\nseedScrollbackHistory(${JSON.stringify(file)}, ${count});\n`,
  );
  run(process.execPath, ["--import", "tsx", script], build.dir);
}
