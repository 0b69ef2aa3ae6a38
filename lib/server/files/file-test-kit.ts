import { readdir } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { expect } from "vitest";
import type { Attachment, UploadFinished } from "../../shared/protocol/attachments";
import { FILES_PATH, UPLOADS_PATH } from "../../shared/protocol/attachments";
import type { ChatTestServer } from "../testing/chat-test-server";
import type { FileStorageConfig, FilesConfig } from "./files-config";
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from "./files-config";
import type { FilesSetup } from "./files-service";

/** Files settings for a test server in `dir`: disk storage unless told otherwise. */
export function testFiles(
  options: { limits?: Partial<UploadLimits>; storage?: FileStorageConfig; ttlMs?: number } = {},
): (dir: string) => FilesSetup {
  return (dir) => {
    const config: FilesConfig = {
      storage: options.storage ?? { kind: "disk", directory: join(dir, "files") },
      partialDirectory: join(dir, "uploads-partial"),
      limits: { ...DEFAULT_UPLOAD_LIMITS, ...options.limits },
    };
    return options.ttlMs === undefined ? { config } : { config, ttlMs: options.ttlMs };
  };
}

const tusHeaders = { "tus-resumable": "1.0.0" };
const meta = (name: string) => `filename ${Buffer.from(name).toString("base64")}`;

export type UploadAnswer = { status: number; body: unknown; headers: Headers };

/** A whole file in one tus request (creation-with-upload), as plain fetch sends it. */
export async function uploadWhole(
  server: ChatTestServer,
  cookie: string | undefined,
  name: string,
  content: Buffer,
  headers: Record<string, string> = {},
): Promise<UploadAnswer> {
  const response = await fetch(`${server.url}${UPLOADS_PATH}`, {
    method: "POST",
    headers: {
      ...tusHeaders,
      ...(cookie ? { cookie } : {}),
      "upload-length": String(content.length),
      "upload-metadata": meta(name),
      "content-type": "application/offset+octet-stream",
      ...headers,
    },
    body: new Uint8Array(content),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}

/** Creation, then the bytes in PATCHes of `chunk` bytes: the resumable path. */
export async function uploadInPieces(
  server: ChatTestServer,
  cookie: string,
  name: string,
  content: Buffer,
  chunk: number,
): Promise<{ location: string; final: UploadAnswer }> {
  const created = await fetch(`${server.url}${UPLOADS_PATH}`, {
    method: "POST",
    headers: {
      ...tusHeaders,
      cookie,
      "upload-length": String(content.length),
      "upload-metadata": meta(name),
    },
  });
  expect(created.status).toBe(201);
  const location = created.headers.get("location") ?? "";
  expect(location).toMatch(new RegExp(`^${UPLOADS_PATH}/[0-9a-f-]{36}$`));
  let final: UploadAnswer | null = null;
  for (let offset = 0; offset < content.length; offset += chunk) {
    const response = await fetch(`${server.url}${location}`, {
      method: "PATCH",
      headers: {
        ...tusHeaders,
        cookie,
        "upload-offset": String(offset),
        "content-type": "application/offset+octet-stream",
      },
      body: new Uint8Array(content.subarray(offset, offset + chunk)),
    });
    const text = await response.text();
    final = {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      headers: response.headers,
    };
    if (offset + chunk < content.length) expect(response.status).toBe(204);
  }
  if (!final) throw new Error("nothing to upload");
  return { location, final };
}

export function attachmentOfAnswer(answer: UploadAnswer): Attachment {
  expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  return (answer.body as UploadFinished).attachment;
}

export function fetchFile(
  server: ChatTestServer,
  attachment: Pick<Attachment, "id" | "name">,
  cookie: string | undefined,
  options: { variant?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<Response> {
  const query = options.variant ? `?size=${options.variant}` : "";
  return fetch(
    `${server.url}${FILES_PATH}/${attachment.id}/${encodeURIComponent(attachment.name)}${query}`,
    {
      method: options.method ?? "GET",
      headers: { ...(cookie ? { cookie } : {}), ...options.headers },
    },
  );
}

/** Every file under a directory, recursively (an absent directory is empty). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** A small picture of one colour; each suite picks its own colour, so that its files are its own bytes. */
export function solidPng(width: number, height: number, background: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();
}
