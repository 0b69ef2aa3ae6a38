/**
 * The identity cookie: HttpOnly so page scripts cannot read it, SameSite=Lax
 * against cross-site use. Over HTTPS it is `__Host-scrollback_session`: the
 * browser accepts a cookie of that name only from a secure page of this very
 * host, with `Path=/` and no `Domain`, so a page on another port of the same
 * host over plain HTTP, or on a sibling subdomain, cannot plant one. Over
 * plain HTTP the prefix is refused by browsers, so the cookie keeps its old
 * name, `scrollback_session`.
 */
export const SESSION_COOKIE = "scrollback_session";
export const SECURE_SESSION_COOKIE = "__Host-scrollback_session";

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** The name the identity cookie has on a connection: prefixed when it is secure. */
export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/**
 * Every value a Cookie header holds under `name`, in the order sent; a value
 * whose percent-encoding is malformed counts, as the empty string.
 */
export function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      values.push(
        decodeURIComponent(raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw),
      );
    } catch {
      values.push("");
    }
  }
  return values;
}

export type PresentedCookie =
  | { kind: "none" }
  /** Exactly one cookie of the name in use: `name` says which, for migration. */
  | { kind: "one"; name: string; value: string }
  /**
   * Two or more of one name: one of them was planted by another page of the
   * same host (cookies are not kept apart by port, and a longer `Path` is sent
   * first). Nothing in the header tells which is ours, so none is believed.
   */
  | { kind: "ambiguous"; name: string };

function presentedUnder(header: string | undefined, name: string): PresentedCookie {
  const values = readCookies(header, name);
  if (values.length === 0) return { kind: "none" };
  if (values.length > 1) return { kind: "ambiguous", name };
  return { kind: "one", name, value: values[0] ?? "" };
}

/**
 * Which identity cookie a request presents. The prefixed cookie decides
 * whenever there is one; the old name is read only without it, so that a
 * browser from before the prefix keeps its identity (its next page load over
 * HTTPS moves the cookie to the new name). The prefixed cookie is believed
 * even where the connection does not look secure — a proxy that forgot
 * X-Forwarded-Proto on one path — since no page can plant one: browsers take
 * it only from a secure page of this host.
 */
export function presentedIdentityCookie(header: string | undefined): PresentedCookie {
  const prefixed = presentedUnder(header, SECURE_SESSION_COOKIE);
  if (prefixed.kind !== "none") return prefixed;
  return presentedUnder(header, SESSION_COOKIE);
}

function attributes(name: string, path: string, maxAge: number, secure: boolean): string[] {
  const list = [`Path=${path}`, `Max-Age=${maxAge}`, "HttpOnly", "SameSite=Lax"];
  // A __Host- cookie must be Secure, whatever the connection.
  if (secure || name === SECURE_SESSION_COOKIE) list.push("Secure");
  return list;
}

export function sessionCookie(token: string, options: { secure: boolean }): string {
  const name = sessionCookieName(options.secure);
  return [
    `${name}=${encodeURIComponent(token)}`,
    ...attributes(name, "/", ONE_YEAR_SECONDS, options.secure),
  ].join("; ");
}

/** Tells the browser to drop its cookie of this name and path (host-only, as ours are). */
export function expiredCookie(name: string, path: string, options: { secure: boolean }): string {
  return [`${name}=`, ...attributes(name, path, 0, options.secure)].join("; ");
}

/** More than any path the app serves; bounds the answer to a made-up deep path. */
const MAX_TOSSED_PATHS = 16;

/**
 * The cookie paths, other than `/`, under which a cookie is sent with a
 * request for `requestPath` (RFC 6265 §5.1.4): where a cookie planted to
 * shadow ours can sit. Ours is always at `/`, so expiring these never touches it.
 */
export function shadowingCookiePaths(requestPath: string): string[] {
  if (!requestPath.startsWith("/")) return [];
  const paths = new Set<string>();
  for (let i = 1; i < requestPath.length && paths.size < MAX_TOSSED_PATHS; i++) {
    if (requestPath[i] === "/") {
      paths.add(requestPath.slice(0, i));
      paths.add(requestPath.slice(0, i + 1));
    }
  }
  if (requestPath.length > 1 && paths.size < MAX_TOSSED_PATHS) paths.add(requestPath);
  return [...paths];
}
