import type { IncomingMessage, ServerResponse } from "node:http";
import type { Identities } from "./identity/identities";
import { ensureIdentityCookie } from "./identity/identity-cookie";
import type { Logger } from "./logger";
import {
  type MetricsEndpoint,
  type Readiness,
  requestId,
  sendJson,
  serveMetrics,
} from "./ops/ops-endpoints";
import { ensureHtmlHasPolicy, setBaselineSecurityHeaders } from "./security/security-headers";

export type HttpHandlerDeps = {
  /** Next.js's request handler, which serves every page and asset. */
  pages: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Whether the process is up and serving (/healthz). */
  isAlive: () => boolean;
  /** While shutting down, pages answer 503 so that a load balancer retries them elsewhere. */
  isDraining?: () => boolean;
  /** Whether this instance should get traffic: database and Redis reachable, not stopping (/readyz). */
  readiness: () => Promise<Readiness>;
  metrics?: MetricsEndpoint;
  identities: Identities;
  /** Trust X-Forwarded-Proto from a reverse proxy when deciding whether the cookie is Secure. */
  trustProxy: boolean;
  logger: Logger;
};

const isRead = (req: IncomingMessage) => req.method === "GET" || req.method === "HEAD";

/** Operational endpoints answered before Next.js; everything else is the app. */
export function createHttpHandler(deps: HttpHandlerDeps) {
  const fail = (req: IncomingMessage, res: ServerResponse, id: string) => (error: unknown) => {
    deps.logger.error(
      { err: error, requestId: id, path: req.url?.split("?", 1)[0] },
      "request failed",
    );
    if (!res.headersSent) res.writeHead(500);
    res.end();
  };

  const dev = process.env.NODE_ENV === "development";
  return (req: IncomingMessage, res: ServerResponse): void => {
    setBaselineSecurityHeaders(res);
    ensureHtmlHasPolicy(res, dev);
    const id = requestId(req, res);
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path === "/healthz" && isRead(req)) {
      const alive = deps.isAlive();
      sendJson(res, alive ? 200 : 503, { status: alive ? "ok" : "starting" });
      return;
    }
    if (path === "/readyz" && isRead(req)) {
      deps.readiness().then(
        ({ ready, checks }) => {
          sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks });
        },
        fail(req, res, id),
      );
      return;
    }
    if (path === "/metrics" && isRead(req) && deps.metrics) {
      serveMetrics(req, res, deps.metrics).catch(fail(req, res, id));
      return;
    }
    if (deps.isDraining?.()) {
      res.setHeader("connection", "close");
      res.setHeader("retry-after", "1");
      sendJson(res, 503, { status: "shutting down" });
      return;
    }
    if (!path?.startsWith("/_next/"))
      ensureIdentityCookie(req, res, deps.identities, deps.trustProxy);
    deps.pages(req, res).catch(fail(req, res, id));
  };
}
