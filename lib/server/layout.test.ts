import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
const BIOME = join(ROOT, "node_modules", ".bin", "biome");

/** What biome's linter says about one file of the tree: its exit status and report. */
async function lint(path: string): Promise<{ failed: boolean; report: string }> {
  try {
    const { stdout, stderr } = await run(BIOME, ["lint", path], { cwd: ROOT });
    return { failed: false, report: stdout + stderr };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { failed: true, report: stdout + stderr };
  }
}

const written: string[] = [];
afterEach(async () => {
  await Promise.all(written.splice(0).map((path) => rm(path, { force: true })));
});

async function probe(folder: string, specifier: string): Promise<string> {
  const path = join(ROOT, "lib", "server", folder, `layout-probe-${process.pid}.ts`);
  written.push(path);
  await writeFile(path, `export type { Probe } from "${specifier}";\n`);
  return path;
}

describe("the server's import direction", () => {
  it.each([
    ["store", "../messages/message-handlers"],
    ["security", "../rooms/room-handlers"],
    ["ops", "../presence/presence"],
    ["transport", "@/lib/server/identity/identities"],
    ["store", "../../messages/message-handlers"],
  ])(
    "refuses an import of a feature from %s (%s)",
    async (folder, specifier) => {
      const { failed, report } = await lint(await probe(folder, specifier));
      expect(failed).toBe(true);
      expect(report).toContain("noRestrictedImports");
      expect(report).toContain("must not import them");
    },
    30_000,
  );

  it("refuses an import of the composition from the transport", async () => {
    const { failed, report } = await lint(await probe("transport", "../chat-deps"));
    expect(failed).toBe(true);
    expect(report).toContain("must not import the composition");
  }, 30_000);

  it("lets infrastructure import infrastructure", async () => {
    const { failed, report } = await lint(await probe("store", "../security/rate-limiter"));
    expect(report).not.toContain("noRestrictedImports");
    expect(failed).toBe(false);
  }, 30_000);

  it("lets a feature import infrastructure and the transport", async () => {
    const { failed, report } = await lint(await probe("messages", "../transport/socket-types"));
    expect(report).not.toContain("noRestrictedImports");
    expect(failed).toBe(false);
  }, 30_000);
});
