import type { IncomingMessage, ServerResponse } from "node:http";
import type { Identities } from "./identities";
import { ensureIdentityCookie } from "./identity-cookie";
import type { Logger } from "./logger";
import { setBaselineSecurityHeaders } from "./security-headers";

export type HttpHandlerDeps = {
  /** Next.js's request handler, which serves every page and asset. */
  next: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Whether the server is ready to serve chat traffic. */
  isReady: () => boolean;
  identities: Identities;
  /** Trust X-Forwarded-Proto from a reverse proxy when deciding whether the cookie is Secure. */
  trustProxy: boolean;
  logger: Logger;
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
  });
  res.end(payload);
}

/** Operational endpoints answered before Next.js; everything else is the app. */
export function createHttpHandler(deps: HttpHandlerDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    setBaselineSecurityHeaders(res);
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      const ready = deps.isReady();
      sendJson(res, ready ? 200 : 503, { status: ready ? "ok" : "starting" });
      return;
    }
    if (!path?.startsWith("/_next/"))
      ensureIdentityCookie(req, res, deps.identities, deps.trustProxy);
    deps.next(req, res).catch((error: unknown) => {
      deps.logger.error({ err: error, url: req.url }, "page request failed");
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
}
