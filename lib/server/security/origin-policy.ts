import type { IncomingMessage } from "node:http";

/**
 * Cross-site WebSocket hijacking: any page may open a socket to this server,
 * and the browser adds the person's cookie. The `Origin` header, which page
 * scripts cannot forge, says whose page it is. A browser's handshake is
 * accepted only from the server's own host or an origin the operator listed;
 * a client that sends no Origin is not a browser page (bots, scripts) and
 * carries no cookie it did not choose to send.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    // Includes "null", which sandboxed frames and file: pages send.
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (allowedOrigins.includes(url.origin)) return true;
  if (!host) return false;
  try {
    // Parsed with the origin's scheme so that default ports compare equal (host:443 = host).
    return new URL(`${url.protocol}//${host}`).host === url.host;
  } catch {
    return false;
  }
}

/** The host the browser addressed: the proxy's X-Forwarded-Host when one is trusted. */
export function requestHost(request: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = request.headers["x-forwarded-host"];
  if (trustProxy && typeof forwarded === "string" && forwarded.length > 0) {
    return forwarded.split(",", 1)[0]?.trim();
  }
  return request.headers.host;
}

export function originHeader(request: IncomingMessage): string | undefined {
  const origin = request.headers.origin;
  return typeof origin === "string" ? origin : undefined;
}
