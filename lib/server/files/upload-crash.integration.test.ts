import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tus from "tus-js-client";
import { afterEach, describe, expect, it } from "vitest";
import type { UploadFinished } from "../../shared/protocol/attachments";
import { PROJECT_ROOT, ServerProcess } from "../testing/server-process";
import { filesUnder } from "./file-test-kit";
import { PROCESSING_DIR } from "./upload-route";

const SERVER_ENTRY = join(PROJECT_ROOT, "lib/server/testing/chat-server-process.ts");

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

async function identityCookie(url: string): Promise<string> {
  const response = await fetch(`${url}/`);
  await response.arrayBuffer();
  const pair = response.headers.getSetCookie()[0]?.split(";", 1)[0];
  if (!pair) throw new Error("no identity cookie");
  return pair;
}

/** Starts a tus-js-client upload and resolves with its URL once `stopAt` bytes are acknowledged. */
function startUpload(
  url: string,
  cookie: string,
  content: Buffer,
  stopAt: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(content, {
      endpoint: `${url}/api/uploads`,
      headers: { cookie },
      chunkSize: 64 * 1024,
      retryDelays: [],
      metadata: { filename: "big.bin" },
      onChunkComplete(_chunk, accepted) {
        if (accepted >= stopAt) resolve(upload.url ?? "");
      },
      onError: reject,
    });
    upload.start();
  });
}

/** Resumes an upload at its URL; resolves with the finishing answer's body. */
function resumeUpload(uploadUrl: string, cookie: string, content: Buffer): Promise<UploadFinished> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(content, {
      uploadUrl,
      headers: { cookie },
      chunkSize: 64 * 1024,
      retryDelays: [],
      onSuccess(payload) {
        resolve(JSON.parse(payload.lastResponse.getBody()) as UploadFinished);
      },
      onError: reject,
    });
    upload.start();
  });
}

describe("a server killed mid-upload", () => {
  it("resumes the upload after the restart, and the restart's cleanup removes abandoned partials", async () => {
    server = await ServerProcess.start({ args: ["--import", "tsx", SERVER_ENTRY] });
    const partialDir = join(server.dataDir, "uploads-partial");
    const cookie = await identityCookie(server.url);
    const resumed = Buffer.alloc(512 * 1024, 5);
    const abandoned = Buffer.alloc(512 * 1024, 9);
    const resumedUrl = await startUpload(server.url, cookie, resumed, 128 * 1024);
    const abandonedUrl = await startUpload(server.url, cookie, abandoned, 128 * 1024);
    expect(resumedUrl).not.toBe(abandonedUrl);
    await server.stop("SIGKILL");

    // Two partials, each its bytes and its record.
    const left = await readdir(partialDir);
    expect(left.filter((name) => name !== PROCESSING_DIR)).toHaveLength(4);
    // The abandoned one and a stray scratch directory were last touched longer ago than the TTL.
    const abandonedId = abandonedUrl.split("/").at(-1) ?? "";
    const longAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const name of [abandonedId, `${abandonedId}.json`])
      await utimes(join(partialDir, name), longAgo, longAgo);
    const scratch = join(partialDir, PROCESSING_DIR, "killed-finish");
    await mkdir(scratch, { recursive: true });
    await writeFile(join(scratch, "image.thumb"), "half a thumbnail");
    await utimes(scratch, longAgo, longAgo);

    await server.start();
    expect(await readdir(partialDir)).not.toContain(abandonedId);
    expect(await readdir(partialDir)).not.toContain(`${abandonedId}.json`);

    const cookieAgain = cookie;
    const finished = await resumeUpload(resumedUrl, cookieAgain, resumed);
    expect(finished.attachment).toMatchObject({ name: "big.bin", size: resumed.length });
    // Nothing of either upload is left among the partials; the finished one is in storage.
    await expect.poll(() => filesUnder(partialDir)).toEqual([]);
    expect(await filesUnder(join(server.dataDir, "files"))).toHaveLength(1);
    const resumedAbandoned = await fetch(
      abandonedUrl.startsWith("http") ? abandonedUrl : `${server.url}${abandonedUrl}`,
      {
        method: "HEAD",
        headers: { "tus-resumable": "1.0.0", cookie },
      },
    );
    expect(resumedAbandoned.status).toBe(404);
  });
});
