import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { loadVapidKeys } from "./vapid-keys";

describe("loadVapidKeys", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "scrollback-vapid-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("generates a pair once into DATA_DIR, readable by the owner only, and keeps it across starts", () => {
    const first = loadVapidKeys({}, dir);
    expect(first.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(statSync(join(dir, "vapid-keys.json")).mode & 0o777).toBe(0o600);
    expect(loadVapidKeys({}, dir)).toEqual(first);
  });

  it("takes the configured pair over the file", () => {
    loadVapidKeys({}, dir);
    expect(loadVapidKeys({ publicKey: "pub", privateKey: "priv" }, dir)).toEqual({
      publicKey: "pub",
      privateKey: "priv",
    });
  });

  it("refuses a damaged file, saying which", () => {
    writeFileSync(join(dir, "vapid-keys.json"), "{");
    expect(() => loadVapidKeys({}, dir)).toThrow(/vapid-keys\.json holds no usable VAPID keys/);
    expect(readFileSync(join(dir, "vapid-keys.json"), "utf8")).toBe("{");
  });
});

describe("notification settings in the environment", () => {
  it("wants both halves of a key pair, or neither", () => {
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: "abc" })).toThrow(/VAPID_PRIVATE_KEY/);
    expect(loadConfig({}).notifications).toMatchObject({
      pushDelayMs: 5_000,
      allowLoopbackEndpoints: false,
    });
    expect(() => loadConfig({ VAPID_SUBJECT: "someone" })).toThrow(/VAPID_SUBJECT/);
  });
});
