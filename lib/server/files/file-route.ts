import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import {
  attachmentIdSchema,
  FILES_PATH,
  IMAGE_VARIANTS,
  type ImageVariant,
} from "../../shared/protocol/attachments";
import type { Logger } from "../logger";
import type { Membership } from "../rooms/membership";
import { can } from "../rooms/permissions";
import { personOf } from "../rooms/room-facts";
import { StoreUnavailableError, type UploadStore } from "../store/types";
import { parseRange } from "./byte-range";
import {
  contentDisposition,
  dispositionKind,
  fileContentSecurityPolicy,
  fileEtag,
  matchesEtag,
} from "./file-headers";
import { type FileStorage, variantKey } from "./file-storage";
import { VARIANT_TYPE } from "./image-variants";
import type { Viewer } from "./request-viewer";

export type FileRouteDeps = {
  storage: FileStorage;
  uploads: Pick<UploadStore, "find">;
  membership: Pick<Membership, "facts" | "config">;
  viewerOf(request: IncomingMessage): Promise<Viewer | null>;
  logger: Logger;
};

export function isFilePath(path: string): boolean {
  return path.startsWith(`${FILES_PATH}/`);
}

type Target = { id: string; variant: ImageVariant | null };

/** `/api/files/<id>/<name>[?size=thumb|preview]`; the name is the browser's label only. */
export function fileTarget(url: string): Target | "bad" {
  const [path = "", query = ""] = url.split("?", 2);
  const [id = "", name, ...rest] = path.slice(FILES_PATH.length + 1).split("/");
  if (name === undefined || rest.length > 0 || !attachmentIdSchema.safeParse(id).success)
    return "bad";
  const size = new URLSearchParams(query).get("size");
  if (size === null) return { id, variant: null };
  return (IMAGE_VARIANTS as readonly string[]).includes(size)
    ? { id, variant: size as ImageVariant }
    : "bad";
}

const fail = (response: ServerResponse, status: number, code: string, message: string) => {
  const body = JSON.stringify({ code, message });
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  response.end(body);
};

/**
 * Files are read only here, and every request asks afresh who is reading:
 * an unattached upload is its uploader's alone; an attached one is for those
 * who may read its message's room (`can(read)`, the one rule for messages
 * too); a released one (its message deleted) for nobody. What is served can
 * never act as a page of this site: the sniffed type, nosniff, a sandboxing
 * policy that loads nothing, and anything but a picture as a download.
 */
export function createFileRoute(deps: FileRouteDeps) {
  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("allow", "GET, HEAD");
      return fail(response, 405, "method_not_allowed", "Files are only read here.");
    }
    const target = fileTarget(request.url ?? "");
    if (target === "bad") return fail(response, 404, "not_found", "There is no file here.");
    const viewer = await deps.viewerOf(request);
    if (!viewer) return fail(response, 401, "unauthorized", "Sign in or open the chat first.");
    const upload = await deps.uploads.find(target.id);
    if (!upload || upload.released || (upload.room === null && upload.uploaderId !== viewer.userId))
      return fail(response, 404, "not_found", "There is no file here.");
    if (upload.room !== null) {
      const person = personOf(
        { user: { id: viewer.userId, name: "" }, account: viewer.account },
        deps.membership.config,
      );
      const { facts } = await deps.membership.facts(upload.room, viewer.userId);
      const decision = can(person, "read", facts);
      if (!decision.allowed) return fail(response, 403, "forbidden", decision.reason);
    }
    if (target.variant !== null && !upload.variants.includes(target.variant))
      return fail(response, 404, "not_found", "This file has no such size.");

    const key = target.variant ? variantKey(upload.contentKey, target.variant) : upload.contentKey;
    const type = target.variant ? VARIANT_TYPE : upload.type;
    const kind = dispositionKind(type);
    const etag = fileEtag(upload.contentKey, target.variant);
    response.setHeader("content-type", type);
    response.setHeader("content-disposition", contentDisposition(kind, upload.name));
    response.setHeader("x-content-type-options", "nosniff");
    response.setHeader("content-security-policy", fileContentSecurityPolicy(kind));
    response.setHeader("cross-origin-resource-policy", "same-origin");
    // Private: never in a shared cache. no-cache: every use asks again, and so is checked again.
    response.setHeader("cache-control", "private, no-cache");
    response.setHeader("etag", etag);
    response.setHeader("accept-ranges", "bytes");
    if (matchesEtag(request.headers["if-none-match"], etag)) {
      response.writeHead(304);
      response.end();
      return;
    }

    const size = await deps.storage.size(key);
    if (size === null) {
      deps.logger.error(
        { upload: upload.id, key },
        "a file's record names bytes storage does not hold",
      );
      return fail(response, 404, "not_found", "There is no file here.");
    }
    const range = parseRange(header(request.headers.range), size);
    if (range === "unsatisfiable") {
      response.setHeader("content-range", `bytes */${size}`);
      return fail(response, 416, "range_not_satisfiable", "That range is outside the file.");
    }
    const whole = range === "whole";
    const length = whole ? size : range.end - range.start + 1;
    response.setHeader("content-length", String(length));
    if (!whole) response.setHeader("content-range", `bytes ${range.start}-${range.end}/${size}`);
    if (request.method === "HEAD") {
      response.writeHead(whole ? 200 : 206);
      response.end();
      return;
    }
    const body = await deps.storage.read(key, whole ? undefined : range);
    if (!body) return fail(response, 404, "not_found", "There is no file here.");
    response.writeHead(whole ? 200 : 206);
    await pipeline(body, response).catch((error: NodeJS.ErrnoException) => {
      // A reader that goes away mid-file is no fault of ours.
      if (error.code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
    });
  }

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      await serve(request, response);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || response.headersSent) throw error;
      response.setHeader("retry-after", String(Math.ceil(error.retryAfterMs / 1000)));
      fail(response, 503, "unavailable", "The database is unavailable; try again shortly.");
    }
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
