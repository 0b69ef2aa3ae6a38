import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger";
import type { Membership } from "../rooms/membership";
import type { UploadStore } from "../store/types";
import { createFileStorage } from "./create-file-storage";
import { createFileRoute } from "./file-route";
import type { FileStorage } from "./file-storage";
import { createFileSweeper, type FileSweeper } from "./file-sweeper";
import type { FilesConfig } from "./files-config";
import type { ViewerDeps } from "./request-viewer";
import { createViewerLookup } from "./request-viewer";
import { createUploadRoute } from "./upload-route";

/** What createAppServer needs to serve files: the settings, and for tests a shorter TTL. */
export type FilesSetup = {
  config: FilesConfig;
  /** Unattached uploads and stale partials are removed after this long (UNATTACHED_UPLOAD_TTL_MS). */
  ttlMs?: number;
};

export type FilesService = {
  storage: FileStorage;
  sweeper: FileSweeper;
  uploads(request: IncomingMessage, response: ServerResponse): Promise<void>;
  files(request: IncomingMessage, response: ServerResponse): Promise<void>;
  close(): Promise<void>;
};

/** The upload and file routes and the sweeper, over one storage. */
export function createFilesService(
  setup: FilesSetup,
  deps: ViewerDeps & {
    uploads: UploadStore;
    membership: Membership;
    trustProxy: boolean;
    allowedOrigins: readonly string[];
    logger: Logger;
  },
): FilesService {
  const storage = createFileStorage(setup.config.storage);
  const viewerOf = createViewerLookup(deps);
  const uploadRoute = createUploadRoute({
    storage,
    uploads: deps.uploads,
    limits: setup.config.limits,
    partialDirectory: setup.config.partialDirectory,
    viewerOf,
    trustProxy: deps.trustProxy,
    allowedOrigins: deps.allowedOrigins,
    logger: deps.logger,
  });
  const sweeper = createFileSweeper({
    storage,
    uploads: deps.uploads,
    partialDirectory: setup.config.partialDirectory,
    logger: deps.logger,
    ...(setup.ttlMs === undefined ? {} : { ttlMs: setup.ttlMs }),
    onPartialRemoved: (id) => uploadRoute.reservations.release(id),
  });
  return {
    storage,
    sweeper,
    uploads: uploadRoute.handle,
    files: createFileRoute({
      storage,
      uploads: deps.uploads,
      membership: deps.membership,
      viewerOf,
      logger: deps.logger,
    }),
    async close() {
      await sweeper.stop();
      await storage.close();
    },
  };
}
