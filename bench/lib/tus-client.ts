import { request } from "node:http";
import { UPLOADS_PATH, type UploadFinished } from "../../lib/shared/protocol/attachments";

/**
 * The tus 1.0.0 requests a bot or the bench makes, with node:http and
 * nothing else: what the server answers to a client that is not
 * tus-js-client is what this measures. Bodies are written chunk by chunk
 * with backpressure, so the bench's own memory stays small too.
 */
export const TUS_VERSION = "1.0.0";

/** `Upload-Metadata`: comma-separated `key base64(value)` pairs. */
export function uploadMetadata(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value, "utf8").toString("base64")}`)
    .join(",");
}

export type TusAnswer = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

/** A source of bytes, asked for in order, so a 25 MiB body never sits in memory whole. */
export type ChunkSource = { length: number; chunk(offset: number, max: number): Buffer };

function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: ChunkSource,
): Promise<TusAnswer> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          "tus-resumable": TUS_VERSION,
          ...headers,
          ...(body ? { "content-length": String(body.length) } : {}),
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => parts.push(part));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (!body) {
      req.end();
      return;
    }
    let offset = 0;
    const pump = () => {
      while (offset < body.length) {
        const part = body.chunk(offset, Math.min(256 * 1024, body.length - offset));
        offset += part.length;
        if (!req.write(part)) {
          req.once("drain", pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

function finished(answer: TusAnswer, what: string): UploadFinished {
  if (answer.status !== 204 && answer.status !== 200 && answer.status !== 201)
    throw new Error(`${what}: status ${answer.status}: ${answer.body.slice(0, 300)}`);
  const parsed = JSON.parse(answer.body) as UploadFinished;
  if (!parsed.attachment?.id)
    throw new Error(`${what}: no attachment in ${answer.body.slice(0, 300)}`);
  return parsed;
}

export type UploadTimes = { createdMs: number; finishedMs: number; finished: UploadFinished };

/**
 * POST (creation) then one PATCH with the whole body: how tus-js-client
 * uploads with its default chunk size. Times from the call's start.
 */
export async function createAndPatch(
  baseUrl: string,
  auth: Record<string, string>,
  name: string,
  source: ChunkSource,
): Promise<UploadTimes> {
  const startedAt = performance.now();
  const created = await send(baseUrl, "POST", UPLOADS_PATH, {
    ...auth,
    "upload-length": String(source.length),
    "upload-metadata": uploadMetadata({ filename: name }),
  });
  const location = created.headers.location;
  if (created.status !== 201 || typeof location !== "string")
    throw new Error(`creation: status ${created.status}: ${created.body.slice(0, 300)}`);
  const createdMs = performance.now() - startedAt;
  const patched = await send(
    baseUrl,
    "PATCH",
    location,
    { ...auth, "upload-offset": "0", "content-type": "application/offset+octet-stream" },
    source,
  );
  return {
    createdMs,
    finishedMs: performance.now() - startedAt,
    finished: finished(patched, "PATCH"),
  };
}

/** The whole file in the creating POST (creation-with-upload): how a bot sends a small file. */
export async function postWhole(
  baseUrl: string,
  auth: Record<string, string>,
  name: string,
  bytes: Buffer,
): Promise<{ ms: number; finished: UploadFinished }> {
  const startedAt = performance.now();
  const answer = await send(
    baseUrl,
    "POST",
    UPLOADS_PATH,
    {
      ...auth,
      "upload-length": String(bytes.length),
      "upload-metadata": uploadMetadata({ filename: name }),
      "content-type": "application/offset+octet-stream",
    },
    { length: bytes.length, chunk: (offset, max) => bytes.subarray(offset, offset + max) },
  );
  return { ms: performance.now() - startedAt, finished: finished(answer, "POST with the file") };
}

/**
 * Distinct pseudo-random bytes for each client without holding them: one
 * random block, each repetition stamped with the client and the offset,
 * so no two uploads share content (the store keys files by their sha256).
 */
export function stampedSource(length: number, client: number, block: Buffer): ChunkSource {
  return {
    length,
    chunk(offset, max) {
      const within = offset % block.length;
      const part = Buffer.from(
        block.subarray(within, within + Math.min(max, block.length - within)),
      );
      if (within === 0 && part.length >= 16) {
        part.writeUInt32BE(client, 0);
        part.writeDoubleBE(offset, 4);
      }
      return part;
    },
  };
}
