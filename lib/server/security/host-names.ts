import { isIP } from "node:net";
import { domainToASCII } from "node:url";

/** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * A host name or IP address as a browser puts it in `Host` (lowercase,
 * punycode, IPv6 without brackets), from how an operator or a header wrote
 * it; null when it is neither. A name whose last label is all digits is
 * neither: URL parsing takes `999.1.1.1` for an IPv4 address, and it is not one.
 */
export function normalizeHost(value: string): string | null {
  const written = value.trim().toLowerCase().replace(/\.$/, "");
  const unbracketed = written.replace(/^\[(.*)\]$/, "$1");
  if (isIP(unbracketed)) return unbracketed;
  // domainToASCII parses a URL host, so it would read `a.example/path` as `a.example`.
  if (/[:[\]/?#@\\\s%]/.test(written)) return null;
  const ascii = domainToASCII(written);
  if (!HOST_NAME.test(ascii)) return null;
  if (/^\d+$/.test(ascii.slice(ascii.lastIndexOf(".") + 1))) return null;
  return ascii;
}

/** The host part of a `Host` header value (`name:port`, `[v6]:port`), normalized; null when malformed. */
export function hostOfHeader(header: string): string | null {
  const match = /^(\[[^\]]*\]|[^:]*)(?::\d{1,5})?$/.exec(header.trim());
  return match?.[1] ? normalizeHost(match[1]) : null;
}
