import type { IncomingMessage, ServerResponse } from "node:http";
import { readCookie, SESSION_COOKIE, sessionCookie } from "./cookies";
import type { Identities } from "./identities";

/** The user id a request's identity cookie names, if the cookie is genuine. */
export function cookieUserId(request: IncomingMessage, identities: Identities): string | undefined {
  const presented = readCookie(request.headers.cookie, SESSION_COOKIE);
  return (presented && identities.verifyToken(presented)) || undefined;
}

export function isHttps(request: IncomingMessage, trustProxy: boolean): boolean {
  if ("encrypted" in request.socket && request.socket.encrypted) return true;
  if (!trustProxy) return false;
  const forwarded = request.headers["x-forwarded-proto"];
  const proto = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  return proto?.split(",")[0]?.trim() === "https";
}

/**
 * Browsers get their identity with the page: a page response to a request
 * without a genuine cookie (none, tampered, or unsigned) sets a new one, so
 * the socket that the page opens next presents it. Bots never load pages and
 * so never get a cookie; they keep an identity with `auth.token` instead.
 */
export function ensureIdentityCookie(
  request: IncomingMessage,
  response: ServerResponse,
  identities: Identities,
  trustProxy: boolean,
): void {
  if (cookieUserId(request, identities)) return;
  const token = identities.tokenFor(identities.newUserId());
  response.appendHeader(
    "set-cookie",
    sessionCookie(token, { secure: isHttps(request, trustProxy) }),
  );
}
