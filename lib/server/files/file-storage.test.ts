import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3TestServer } from "../testing/s3-server";
import { DiskStorage } from "./disk-storage";
import { checkKey, type FileStorage, variantKey } from "./file-storage";
import { S3Storage } from "./s3-storage";

async function bytesOf(stream: Readable | null): Promise<Buffer | null> {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const keyOf = (content: Buffer) => createHash("sha256").update(content).digest("hex");

/** The one contract both backends keep. */
function storageContract(
  name: string,
  open: () => Promise<{ storage: FileStorage; done(): Promise<void> }>,
) {
  describe(`${name} storage`, () => {
    let storage: FileStorage;
    let done: () => Promise<void>;
    let scratch: string;

    beforeAll(async () => {
      ({ storage, done } = await open());
      scratch = await mkdtemp(join(tmpdir(), "storage-src-"));
    });
    afterAll(async () => {
      await done();
      await rm(scratch, { recursive: true, force: true });
    });

    async function local(content: Buffer): Promise<string> {
      const path = join(scratch, keyOf(content));
      await writeFile(path, content);
      return path;
    }

    it("puts a file and reads it back whole and by range", async () => {
      const content = Buffer.from("0123456789abcdef".repeat(1000));
      const key = keyOf(content);
      await storage.put(key, await local(content));
      expect(await storage.size(key)).toBe(content.length);
      expect(await bytesOf(await storage.read(key))).toEqual(content);
      expect(await bytesOf(await storage.read(key, { start: 10, end: 19 }))).toEqual(
        content.subarray(10, 20),
      );
      expect(await bytesOf(await storage.read(key, { start: 5, end: 5 }))).toEqual(
        content.subarray(5, 6),
      );
    });

    it("answers null for a key it does not hold, and removes idempotently", async () => {
      const content = Buffer.from("gone soon");
      const key = keyOf(content);
      expect(await storage.size(key)).toBeNull();
      expect(await storage.read(key)).toBeNull();
      await storage.put(key, await local(content));
      await storage.remove(key);
      await storage.remove(key);
      expect(await storage.size(key)).toBeNull();
    });

    it("replaces a key whole and keeps variants apart", async () => {
      const content = Buffer.from("original");
      const key = keyOf(content);
      const thumb = variantKey(key, "thumb");
      await storage.put(key, await local(content));
      await storage.put(thumb, await local(Buffer.from("small")));
      await storage.put(thumb, await local(Buffer.from("smaller")));
      expect((await bytesOf(await storage.read(thumb)))?.toString()).toBe("smaller");
      expect((await bytesOf(await storage.read(key)))?.toString()).toBe("original");
    });

    it("lists keys in order, after a cursor, within a limit", async () => {
      const keys: string[] = [];
      for (const text of ["list-a", "list-b", "list-c"]) {
        const content = Buffer.from(text);
        keys.push(keyOf(content));
        await storage.put(keyOf(content), await local(content));
      }
      const all: string[] = [];
      let after = "";
      for (;;) {
        const page = await storage.list(after, 2);
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(2);
        all.push(...page.map((entry) => entry.key));
        after = page.at(-1)?.key ?? "";
      }
      expect(all).toEqual([...all].sort());
      for (const key of keys) expect(all).toContain(key);
    });

    it("refuses anything that is not a content key", async () => {
      for (const bad of ["../etc/passwd", "a".repeat(63), `${"a".repeat(64)}/x`, "A".repeat(64)])
        await expect(storage.size(bad)).rejects.toThrow(/not a file storage key/);
    });
  });
}

storageContract("disk", async () => {
  const directory = await mkdtemp(join(tmpdir(), "disk-storage-"));
  return {
    storage: new DiskStorage(directory),
    done: () => rm(directory, { recursive: true, force: true }),
  };
});

storageContract("S3 (s3rver)", async () => {
  const server = await S3TestServer.start();
  const storage = new S3Storage(server.settings);
  return {
    storage,
    async done() {
      await storage.close();
      await server.stop();
    },
  };
});

describe("disk storage layout", () => {
  it("shards by the key's first digits and leaves no temporary file behind", async () => {
    const directory = await mkdtemp(join(tmpdir(), "disk-layout-"));
    const source = join(directory, "source");
    await writeFile(source, "x");
    const key = keyOf(Buffer.from("x"));
    const storage = new DiskStorage(directory);
    await storage.put(key, source);
    expect(await readdir(join(directory, key.slice(0, 2), key.slice(2, 4)))).toEqual([key]);
    await rm(directory, { recursive: true, force: true });
  });

  it("checkKey accepts a content key and its variants only", () => {
    const key = "f".repeat(64);
    expect(checkKey(key)).toBe(key);
    expect(variantKey(key, "preview")).toBe(`${key}.preview`);
    expect(() => variantKey(key, "../x")).toThrow();
  });
});
