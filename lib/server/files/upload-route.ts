import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { FileStore } from "@tus/file-store";
import { Server as TusServer } from "@tus/server";
import { EVENTS } from "@tus/utils";
import { UNATTACHED_UPLOAD_TTL_MS } from "../../shared/limits";
import {
  UPLOADS_PATH,
  type UploadFinished,
  type UploadRefused,
} from "../../shared/protocol/attachments";
import type { Logger } from "../logger";
import { clientAddress } from "../security/client-address";
import { createConcurrencyGate } from "../security/concurrency-gate";
import { isOriginAllowed, originHeader, requestHost } from "../security/origin-policy";
import { createWindowLimiter } from "../security/rate-limiter";
import type { UploadStore } from "../store/types";
import { cleanFileName } from "./file-name";
import type { FileStorage } from "./file-storage";
import type { UploadLimits } from "./files-config";
import { finishUpload } from "./finish-upload";
import type { Viewer } from "./request-viewer";
import { UploadReservations } from "./upload-reservations";

/** Scratch space for cleaning pictures, beside the partial uploads (same disk, and swept with them). */
export const PROCESSING_DIR = ".processing";
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Finishes (sniffing, hashing, and above all sharp's decoding) run this many
 * at once; the rest wait their turn, so that twenty pictures arriving
 * together do not decode twenty canvases at once.
 */
const FINISHING_AT_ONCE = 2;
const FINISHING_QUEUE = 1_000;

/** A day's quota frees up as the day's uploads age out; an hour is an honest, coarse wait. */
const QUOTA_RETRY_AFTER_S = 60 * 60;

export type UploadRouteDeps = {
  storage: FileStorage;
  uploads: UploadStore;
  limits: UploadLimits;
  /** DATA_DIR/uploads-partial: tus's own files (the bytes and a JSON of each upload). */
  partialDirectory: string;
  viewerOf(request: IncomingMessage): Promise<Viewer | null>;
  trustProxy: boolean;
  allowedOrigins: readonly string[];
  logger: Logger;
};

export type UploadRoute = {
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Quota held by uploads under way, released by the sweeper when it removes a stale partial. */
  readonly reservations: UploadReservations;
};

type Refusal = { status_code: number; body: string; headers?: Record<string, string> };

function refusal(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): Refusal {
  return {
    status_code: status,
    body: JSON.stringify({ code, message } satisfies UploadRefused),
    headers,
  };
}

/** The Node request behind tus's web request (srvx keeps it). */
type TusRequest = { runtime?: { node?: { req: IncomingMessage; res: ServerResponse } } };
const nodeOf = (request: unknown) => (request as TusRequest).runtime?.node;

export function isUploadPath(path: string): boolean {
  return path === UPLOADS_PATH || path.startsWith(`${UPLOADS_PATH}/`);
}

/**
 * `/api/uploads`: resumable uploads (tus 1.0: creation, creation-with-upload,
 * termination, expiration), streamed to a partial file on this instance's
 * disk — so a resume must reach the same instance, which the sticky routing
 * of several instances gives. Who uploads comes from the request's session,
 * never from the upload's metadata; only they may continue or cancel it.
 * The last byte finishes it into storage and answers `UploadFinished`.
 */
export function createUploadRoute(deps: UploadRouteDeps): UploadRoute {
  const { limits } = deps;
  const reservations = new UploadReservations();
  const finishing = createConcurrencyGate(FINISHING_AT_ONCE, FINISHING_QUEUE);
  const rate = createWindowLimiter(
    { points: limits.uploadsPerMinute, windowMs: 60_000 },
    "uploads",
  );
  /** Who each request in flight is, found once before tus sees it. */
  const requesters = new WeakMap<IncomingMessage, { viewer: Viewer; address: string }>();
  const requesterOf = (request: unknown) => {
    const node = nodeOf(request);
    const found = node ? requesters.get(node.req) : undefined;
    if (!found) throw refusal(401, "unauthorized", "Sign in or open the chat first.");
    return found;
  };

  /** The upload each request works on (a POST's is known only once made), to drop it when refused. */
  const uploadOfRequest = new WeakMap<IncomingMessage, string>();

  const datastore = new FileStore({
    directory: deps.partialDirectory,
    expirationPeriodInMilliseconds: UNATTACHED_UPLOAD_TTL_MS,
  });

  const tus = new TusServer({
    path: UPLOADS_PATH,
    datastore,
    relativeLocation: true,
    maxSize: limits.maxUploadBytes,
    disableTerminationForFinishedUploads: true,
    namingFunction: () => randomUUID(),

    // Every request naming an upload: only its uploader may see, continue or cancel it.
    async onIncomingRequest(request, id) {
      const { viewer } = requesterOf(request);
      const node = nodeOf(request);
      if (node) uploadOfRequest.set(node.req, id);
      if (request.method === "POST") return;
      const upload = await datastore.getUpload(id).catch(() => null);
      if (!upload || upload.metadata?.uploader !== viewer.userId)
        throw refusal(404, "not_found", "No upload of yours has that address.");
    },

    async onUploadCreate(request, upload) {
      const { viewer, address } = requesterOf(request);
      if (upload.size === undefined)
        throw refusal(
          400,
          "length_required",
          "Say the file's size (Upload-Length) when starting an upload.",
        );
      const limited = await rate.consume(viewer.userId);
      if (!limited.allowed)
        throw refusal(429, "rate_limited", "Too many uploads at once; wait a little.", {
          "retry-after": String(Math.ceil(limited.retryAfterMs / 1000)),
        });
      const since = new Date(Date.now() - DAY_MS);
      const [mine, theirs] = await Promise.all([
        deps.uploads.usage({ uploaderId: viewer.userId }, since),
        deps.uploads.usage({ address }, since),
      ]);
      const overQuota =
        mine.bytes + reservations.bytes({ uploaderId: viewer.userId }) + upload.size >
          limits.quotaBytesPerDay ||
        theirs.bytes + reservations.bytes({ address }) + upload.size >
          limits.quotaBytesPerAddressPerDay;
      if (overQuota)
        throw refusal(
          429,
          "quota_exceeded",
          "You have uploaded as much as a day allows; try again later.",
          {
            "retry-after": String(QUOTA_RETRY_AFTER_S),
          },
        );
      reservations.hold(upload.id, viewer.userId, address, upload.size);
      const metadata = upload.metadata ?? {};
      return {
        metadata: {
          // Ours, not the client's: the finish trusts these.
          name: cleanFileName(metadata.filename ?? metadata.name ?? null),
          uploader: viewer.userId,
          address,
        },
      };
    },

    async onUploadFinish(request, upload) {
      const metadata = upload.metadata ?? {};
      const release = await finishing.acquire("all");
      try {
        if (!release) throw new Error("too many uploads finishing at once");
        const attachment = await finishUpload(
          {
            storage: deps.storage,
            uploads: deps.uploads,
            workDir: join(deps.partialDirectory, PROCESSING_DIR),
          },
          {
            id: upload.id,
            path: join(deps.partialDirectory, upload.id),
            name: metadata.name ?? "file",
            uploaderId: metadata.uploader ?? "",
            address: metadata.address ?? "",
          },
        );
        return {
          status_code: request.method === "POST" ? 201 : 200,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ attachment } satisfies UploadFinished),
        };
      } catch (error) {
        deps.logger.error({ err: error, upload: upload.id }, "finishing an upload failed");
        // Nothing is kept of an upload that could not be finished: the client starts again.
        reservations.release(upload.id);
        await datastore.remove(upload.id).catch(() => {});
        throw refusal(503, "unavailable", "The file could not be stored; try again shortly.");
      } finally {
        release?.();
      }
    },

    onResponseError(request, error) {
      const node = nodeOf(request);
      const status = "status_code" in error ? error.status_code : 500;
      let body = "body" in error ? error.body : "";
      if (!body.startsWith("{"))
        body = JSON.stringify({
          code: status === 413 ? "too_large" : status >= 500 ? "upload_failed" : "upload_refused",
          message:
            status === 413
              ? `A file may be at most ${limits.maxUploadBytes} bytes.`
              : body.trim() || "The upload was refused.",
        } satisfies UploadRefused);
      if (node && !node.res.headersSent)
        overrideHeadersOnWrite(node.res, {
          "content-type": "application/json",
          "upload-error": encodeURIComponent(body),
          ...((error as Refusal).headers ?? {}),
          ...(status === 413 ? { connection: "close" } : {}),
        });
      // More bytes than declared or allowed: the upload is refused whole, none of it kept.
      const id = node ? uploadOfRequest.get(node.req) : undefined;
      if (status === 413 && id) {
        reservations.release(id);
        void datastore.remove(id).catch(() => {});
      }
      return { status_code: status, body };
    },
  });

  // Removed once the answer is written: tus reads the upload back while answering.
  tus.on(EVENTS.POST_FINISH, (_request, _response, upload) => {
    reservations.release(upload.id);
    datastore.remove(upload.id).catch(() => {});
  });
  tus.on(EVENTS.POST_TERMINATE, (_request, _response, id) => reservations.release(id));

  return {
    reservations,
    async handle(request, response) {
      response.setHeader("cache-control", "no-store");
      const refuse = (status: number, code: string, message: string) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify({ code, message } satisfies UploadRefused));
      };
      if (request.method === "GET")
        return refuse(
          405,
          "method_not_allowed",
          "Uploads are not read here; files are at /api/files.",
        );
      // Cross-site requests are refused outright: a page of another site must not upload in someone's name.
      if (
        !isOriginAllowed(
          originHeader(request),
          requestHost(request, deps.trustProxy),
          deps.allowedOrigins,
        )
      )
        return refuse(403, "FORBIDDEN_ORIGIN", "This request came from a page of another site.");
      if (request.method === "OPTIONS")
        return refuse(405, "method_not_allowed", "Uploads come from this site's own pages.");
      const viewer = await deps.viewerOf(request);
      if (!viewer) {
        response.setHeader("connection", "close");
        request.resume();
        return refuse(401, "unauthorized", "Sign in or open the chat first.");
      }
      requesters.set(request, { viewer, address: clientAddress(request, deps.trustProxy) });
      await tus.handle(request, response);
    },
  };
}

/**
 * Headers of tus's answer that tus itself cannot be told (its error answers
 * are text/plain): applied when the answer's head is written, over tus's own.
 */
function overrideHeadersOnWrite(response: ServerResponse, overrides: Record<string, string>): void {
  const names = new Set(Object.keys(overrides).map((name) => name.toLowerCase()));
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const kept = args.map((arg, i) =>
      i > 0 && typeof arg === "object" && arg !== null ? withoutNames(arg, names) : arg,
    );
    for (const [name, value] of Object.entries(overrides)) this.setHeader(name, value);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, kept);
  } as ServerResponse["writeHead"];
}

/** Headers (an object, a flat [name, value, …] list, or a list of pairs) without these names. */
function withoutNames(headers: object, names: ReadonlySet<string>): unknown {
  if (!Array.isArray(headers))
    return Object.fromEntries(
      Object.entries(headers).filter(([name]) => !names.has(name.toLowerCase())),
    );
  if (headers.every((entry) => Array.isArray(entry)))
    return headers.filter((pair: unknown[]) => !names.has(String(pair[0]).toLowerCase()));
  const flat: unknown[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2)
    if (!names.has(String(headers[i]).toLowerCase())) flat.push(headers[i], headers[i + 1]);
  return flat;
}
