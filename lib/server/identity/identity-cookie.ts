import type { IncomingMessage, ServerResponse } from "node:http";
import {
  expiredCookie,
  presentedIdentityCookie,
  readCookies,
  SESSION_COOKIE,
  sessionCookie,
  sessionCookieName,
  shadowingCookiePaths,
} from "./cookies";
import type { Identities } from "./identities";

export function isHttps(request: IncomingMessage, trustProxy: boolean): boolean {
  if ("encrypted" in request.socket && request.socket.encrypted) return true;
  if (!trustProxy) return false;
  const forwarded = request.headers["x-forwarded-proto"];
  const proto = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  return proto?.split(",")[0]?.trim() === "https";
}

/** The identity cookie's value when the request carries exactly one that may decide (see cookies.ts). */
export function identityCookieOf(request: IncomingMessage): string | undefined {
  const presented = presentedIdentityCookie(request.headers.cookie);
  return presented.kind === "one" ? presented.value : undefined;
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? "/").split("?", 1)[0] ?? "/";
}

/**
 * What to answer a request that carries two identity cookies of one name:
 * expire every cookie of that name that can shadow ours at this path (ours
 * lives at `/` and is left alone), so the next request carries only ours.
 */
export function shadowCookieRemovals(request: IncomingMessage, trustProxy: boolean): string[] {
  const secure = isHttps(request, trustProxy);
  const presented = presentedIdentityCookie(request.headers.cookie);
  if (presented.kind !== "ambiguous") return [];
  return shadowingCookiePaths(pathOf(request)).map((path) =>
    expiredCookie(presented.name, path, { secure }),
  );
}

/**
 * Browsers get their identity with the page: a page response to a request
 * without a valid cookie (none, tampered, revoked, expired) sets a new one, so
 * the socket that the page opens next presents it. A valid cookie is renewed
 * now and then and moved to the `__Host-` name once the connection is secure.
 * Bots never load pages and so never get a cookie; they keep an identity with
 * `auth.token` instead.
 */
export async function ensureIdentityCookie(
  request: IncomingMessage,
  response: ServerResponse,
  identities: Identities,
  trustProxy: boolean,
): Promise<void> {
  const secure = isHttps(request, trustProxy);
  const presented = presentedIdentityCookie(request.headers.cookie);
  const setCookie = (value: string) => response.appendHeader("set-cookie", value);

  if (presented.kind === "ambiguous") {
    // Issuing a new cookie would replace the person's own (at `/`) and leave
    // the planted one in place; clearing the planted ones leaves theirs.
    for (const removal of shadowCookieRemovals(request, trustProxy)) setCookie(removal);
    return;
  }
  if (presented.kind === "one") {
    let check: Awaited<ReturnType<Identities["checkCookie"]>>;
    try {
      check = await identities.checkCookie(presented.value);
    } catch {
      // The database cannot say whether it was revoked: keep the cookie rather
      // than replace a person's identity because of an outage.
      return;
    }
    if (check) {
      const moving = presented.name !== sessionCookieName(secure);
      if (check.renewal || moving)
        setCookie(sessionCookie(check.renewal ?? presented.value, { secure }));
      // Over HTTPS the old name is never read once the prefixed cookie exists; drop it.
      if (secure && readCookies(request.headers.cookie, SESSION_COOKIE).length > 0)
        setCookie(expiredCookie(SESSION_COOKIE, "/", { secure }));
      return;
    }
  }
  setCookie(sessionCookie(identities.newIdentityCookie(), { secure }));
}
