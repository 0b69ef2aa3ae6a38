import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../store/sqlite-store";
import { revokeCommand } from "./revoke-command";
import { createTokenSigner } from "./tokens";

describe("the revocation command", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "scrollback-revoke-"));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("bumps each identity's generation in the configured database and prints a working token", async () => {
    const env = { DATA_DIR: dataDir };
    const result = await revokeCommand(["user-ana", "user-bea"], env);

    expect(result.exitCode).toBe(0);
    const store = new SqliteStore(join(dataDir, "scrollback.db"));
    try {
      expect(await store.users.credentialGeneration("user-ana")).toBe(1);
      expect(await store.users.credentialGeneration("user-bea")).toBe(1);
      expect(await store.users.credentialGeneration("user-caio")).toBe(0);
    } finally {
      await store.close();
    }
    // The token is signed with the secret the server uses (generated into DATA_DIR here).
    const signer = createTokenSigner(readFileSync(join(dataDir, "session-secret"), "utf8").trim());
    const [ana] = result.stdout;
    const [id, token = ""] = (ana ?? "").split(" ");
    expect(id).toBe("user-ana");
    expect(signer.verify(token)).toMatchObject({ userId: "user-ana", kind: "bot", generation: 1 });
    expect(result.stderr.join("\n")).toContain("generation 1");
  });

  it.each([
    ["no id", []],
    ["an id with characters ids never have", ["user/../../etc"]],
  ])("with %s says how to use it and changes nothing", async (_case, args) => {
    const result = await revokeCommand(args, { DATA_DIR: dataDir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr[0]).toMatch(/^usage: npm run identity:revoke/);
    expect(result.stdout).toEqual([]);
  });

  it("reports a bad configuration by its variable", async () => {
    const result = await revokeCommand(["user-ana"], {
      DATA_DIR: dataDir,
      SESSION_SECRET: "short",
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.join("\n")).toContain("SESSION_SECRET");
  });
});
