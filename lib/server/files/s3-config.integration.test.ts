import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { UploadFinished } from "../../shared/protocol/attachments";
import { S3TestServer } from "../testing/s3-server";
import { PROJECT_ROOT, ServerProcess } from "../testing/server-process";
import { filesUnder } from "./file-test-kit";
import { S3Storage } from "./s3-storage";

const SERVER_ENTRY = join(PROJECT_ROOT, "lib/server/testing/chat-server-process.ts");

let server: ServerProcess | null = null;
let s3: S3TestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  await s3?.stop();
  server = null;
  s3 = null;
});

describe("FILE_STORAGE=s3", () => {
  it("a server configured from the environment keeps files in the bucket, not on its disk", async () => {
    s3 = await S3TestServer.start();
    server = await ServerProcess.start({ args: ["--import", "tsx", SERVER_ENTRY], env: s3.env });
    const page = await fetch(`${server.url}/`);
    await page.arrayBuffer();
    const cookie = page.headers.getSetCookie()[0]?.split(";", 1)[0] ?? "";
    const content = Buffer.from("kept in the bucket");
    const response = await fetch(`${server.url}/api/uploads`, {
      method: "POST",
      headers: {
        "tus-resumable": "1.0.0",
        cookie,
        "upload-length": String(content.length),
        "content-type": "application/offset+octet-stream",
      },
      body: new Uint8Array(content),
    });
    expect(response.status).toBe(201);
    const { attachment } = (await response.json()) as UploadFinished;
    const bucket = new S3Storage(s3.settings);
    expect((await bucket.list("", 10)).map((entry) => entry.key)).toHaveLength(1);
    await bucket.close();
    const read = await fetch(`${server.url}/api/files/${attachment.id}/file`, {
      headers: { cookie },
    });
    expect(await read.text()).toBe("kept in the bucket");
    expect(await filesUnder(join(server.dataDir, "files"))).toEqual([]);
  });

  it("refuses to start with FILE_STORAGE=s3 and no bucket, saying so", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "s3-config-"));
    try {
      await expect(
        ServerProcess.start({
          args: ["--import", "tsx", SERVER_ENTRY],
          env: { FILE_STORAGE: "s3", DATA_DIR: dataDir },
        }),
      ).rejects.toThrow(/S3_BUCKET: FILE_STORAGE=s3 needs S3_BUCKET/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
