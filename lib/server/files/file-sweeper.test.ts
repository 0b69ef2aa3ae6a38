import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../logger";
import { SqliteStore } from "../store/sqlite-store";
import { DiskStorage, TEMP_PREFIX } from "./disk-storage";
import { variantKey } from "./file-storage";
import { createFileSweeper } from "./file-sweeper";

let dir: string;
let store: SqliteStore;
let storage: DiskStorage;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sweeper-"));
  store = new SqliteStore(join(dir, "db.sqlite"));
  storage = new DiskStorage(join(dir, "files"));
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const HOUR = 60 * 60 * 1000;
const longAgo = new Date(Date.now() - 2 * HOUR);

async function putContent(text: string): Promise<string> {
  const key = createHash("sha256").update(text).digest("hex");
  const source = join(dir, `src-${key}`);
  await writeFile(source, text);
  await storage.put(key, source);
  await storage.put(variantKey(key, "thumb"), source);
  return key;
}

async function ageKey(key: string): Promise<void> {
  const shard = join(dir, "files", key.slice(0, 2), key.slice(2, 4));
  for (const name of await readdir(shard)) await utimes(join(shard, name), longAgo, longAgo);
}

const sweeperOf = () =>
  createFileSweeper({
    storage,
    uploads: store.uploads,
    partialDirectory: join(dir, "partial"),
    logger: silentLogger,
    ttlMs: HOUR,
  });

describe("the file sweeper's check for strays", () => {
  it("removes old bytes no record names (a crash between storing and recording), keeps recorded and recent ones", async () => {
    const recorded = await putContent("recorded");
    await store.uploads.add({
      id: "0a0a0a0a-0000-4000-8000-000000000001",
      uploaderId: "u1",
      address: "127.0.0.1",
      name: "kept.txt",
      size: 8,
      type: "application/octet-stream",
      contentKey: recorded,
      width: null,
      height: null,
      placeholder: null,
      variants: [],
      createdAt: new Date(),
    });
    const stray = await putContent("stray");
    const recent = await putContent("recent stray");
    await ageKey(recorded);
    await ageKey(stray);
    const report = await sweeperOf().sweep();
    expect(report.straysRemoved).toBe(2);
    expect(await storage.size(stray)).toBeNull();
    expect(await storage.size(variantKey(stray, "thumb"))).toBeNull();
    expect(await storage.size(recorded)).not.toBeNull();
    expect(await storage.size(recent)).not.toBeNull();
  });

  it("removes temporary files an interrupted put left, once they are old", async () => {
    const key = await putContent("x");
    const shard = join(dir, "files", key.slice(0, 2), key.slice(2, 4));
    await writeFile(join(shard, `${TEMP_PREFIX}old`), "torn");
    await writeFile(join(shard, `${TEMP_PREFIX}new`), "in progress");
    await utimes(join(shard, `${TEMP_PREFIX}old`), longAgo, longAgo);
    await sweeperOf().sweep();
    const left = await readdir(shard);
    expect(left).not.toContain(`${TEMP_PREFIX}old`);
    expect(left).toContain(`${TEMP_PREFIX}new`);
  });

  it("runs one pass at a time and debounces sweepSoon", async () => {
    const sweeper = sweeperOf();
    const [a, b] = [sweeper.sweep(), sweeper.sweep()];
    expect(a).toBe(b);
    await a;
    sweeper.sweepSoon();
    sweeper.sweepSoon();
    await sweeper.stop();
  });
});
