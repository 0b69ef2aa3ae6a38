import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSessionSecret } from "./session-secret";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "scrollback-secret-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("loadSessionSecret", () => {
  it("uses SESSION_SECRET when it is set, and writes nothing", () => {
    const dataDir = join(root, "data");
    const configured = "c".repeat(40);
    expect(loadSessionSecret(configured, dataDir)).toBe(configured);
    expect(() => statSync(dataDir)).toThrow();
  });

  it("prefers SESSION_SECRET over a secret already in the data directory", () => {
    loadSessionSecret(undefined, root);
    const configured = "c".repeat(40);
    expect(loadSessionSecret(configured, root)).toBe(configured);
  });

  it("generates a secret once, keeps it readable only by its owner, and reuses it", () => {
    const dataDir = join(root, "nested", "data");
    const first = loadSessionSecret(undefined, dataDir);
    const second = loadSessionSecret(undefined, dataDir);

    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    const file = join(dataDir, "session-secret");
    expect(readFileSync(file, "utf8")).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("generates a different secret for each data directory", () => {
    expect(loadSessionSecret(undefined, join(root, "a"))).not.toBe(
      loadSessionSecret(undefined, join(root, "b")),
    );
  });

  it("accepts a secret an operator wrote by hand, trailing newline and all", () => {
    const secret = "h".repeat(48);
    writeFileSync(join(root, "session-secret"), `${secret}\n`);
    expect(loadSessionSecret(undefined, root)).toBe(secret);
  });

  it.each([
    ["too short", "short-secret"],
    ["empty", ""],
    ["only whitespace", `${" ".repeat(40)}\n`],
  ])("refuses a secret file that is %s, and says which file", (_case, content) => {
    mkdirSync(root, { recursive: true });
    const file = join(root, "session-secret");
    writeFileSync(file, content);
    expect(() => loadSessionSecret(undefined, root)).toThrow(file);
    expect(readFileSync(file, "utf8")).toBe(content);
  });
});
