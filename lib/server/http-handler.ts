import type { IncomingMessage, ServerResponse } from "node:http";
import type { Accounts } from "./accounts/accounts";
import { isBotTokenPath } from "./accounts/bot-token-routes";
import { gatedPath, signInRedirect } from "./accounts/page-gate";
import { isFilePath } from "./files/file-route";
import { isUploadPath } from "./files/upload-route";
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
import { requestHost } from "./security/origin-policy";
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
  /** Serves /api/auth and, when guests are off, keeps strangers to the sign-in pages. */
  accounts?: Accounts | null;
  /** Answers /api/bot-tokens (an account's bot tokens); absent without accounts. */
  botTokenRoutes?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Trust X-Forwarded-Proto from a reverse proxy when deciding whether the cookie is Secure. */
  trustProxy: boolean;
  /** Whether a request for this host (the browser's `Host`, or the trusted proxy's X-Forwarded-Host) is for this server. */
  servesHost?: (host: string | undefined) => boolean;
  /**
   * `/api/uploads` and `/api/files`: answered before the page gate (a bot's
   * bearer token is no cookie) with their own checks and headers.
   */
  fileRoutes?: {
    uploads: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    files: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  };
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
    // Past the probes, nothing is answered for a host this server does not
    // serve: a page, a metric or a cookie handed to a rebound DNS name would
    // be readable by the page that rebound it.
    if (deps.servesHost && !deps.servesHost(requestHost(req, deps.trustProxy))) {
      res.writeHead(421, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      res.end("This server does not answer to that host name. Open it by its own address.\n");
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
    if (deps.fileRoutes && isUploadPath(path ?? "/")) {
      deps.fileRoutes.uploads(req, res).catch(fail(req, res, id));
      return;
    }
    if (deps.fileRoutes && isFilePath(path ?? "/")) {
      deps.fileRoutes.files(req, res).catch(fail(req, res, id));
      return;
    }
    const { accounts } = deps;
    const gate = gatedPath(path ?? "/");
    if (accounts && (path === "/api/auth" || path?.startsWith("/api/auth/"))) {
      accounts.serve(req, res).catch(fail(req, res, id));
      return;
    }
    if (deps.botTokenRoutes && isBotTokenPath(path ?? "/")) {
      deps.botTokenRoutes(req, res).catch(fail(req, res, id));
      return;
    }
    if (accounts && !accounts.config.guestAccess) {
      // No guest cookies at all: a stranger signs in first.
      const admitted =
        gate === "open"
          ? Promise.resolve(true)
          : accounts.signedInFromCookie(req.headers.cookie).then((signedIn) => signedIn !== null);
      admitted
        .then((admit) => {
          if (admit) return deps.pages(req, res);
          if (gate === "api") {
            sendJson(res, 401, { code: "unauthorized", message: "Sign in first." });
            return;
          }
          res.writeHead(303, { location: signInRedirect(req.url ?? "/") });
          res.end();
        })
        .catch(fail(req, res, id));
      return;
    }
    const cookie = path?.startsWith("/_next/")
      ? Promise.resolve()
      : ensureIdentityCookie(req, res, deps.identities, deps.trustProxy);
    cookie.then(() => deps.pages(req, res)).catch(fail(req, res, id));
  };
}
