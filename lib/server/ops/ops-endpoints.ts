import { randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export type Readiness = {
  ready: boolean;
  /** What each dependency looks like, for the operator reading /readyz. */
  checks: Record<string, string>;
};

export type MetricsEndpoint = {
  render(): Promise<string>;
  contentType: string;
  /** Bearer token required to read /metrics; without one only loopback callers may. */
  token?: string | undefined;
};

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The proxy's request id when it sent a sane one, else a new one; echoed back and logged. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers["x-request-id"];
  const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader("x-request-id", id);
  return id;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
  });
  res.end(payload);
}

function isLoopback(address: string | undefined): boolean {
  return address === "::1" || /^(::ffff:)?127\./.test(address ?? "");
}

function hasToken(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * /metrics is for the operator's scraper: with METRICS_TOKEN set it needs the
 * token; without, it answers only callers on this machine. A reverse proxy on
 * the same machine must therefore not forward it (deploy/nginx.conf denies it).
 */
export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  metrics: MetricsEndpoint,
): Promise<void> {
  const allowed = metrics.token
    ? hasToken(req, metrics.token)
    : isLoopback(req.socket.remoteAddress);
  if (!allowed) {
    sendJson(res, metrics.token ? 401 : 403, { error: "metrics are private" });
    return;
  }
  const body = await metrics.render();
  res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
  res.end(body);
}
