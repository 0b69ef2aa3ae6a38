import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * The server POSTs to whatever endpoint a browser handed it, so an endpoint
 * is a request the server makes on a stranger's behalf (SSRF). Push services
 * are public HTTPS hosts; nothing on this machine or its private networks is
 * one. An endpoint is refused when it is not https on the default port, names
 * credentials, or names a host that is (or resolves to) a loopback, private,
 * link-local, unique-local or otherwise non-public address — checked when it
 * is subscribed and again on every connection (a name may be re-pointed
 * between the two). `allowLoopback` (tests and development only) admits
 * http://127.0.0.1, http://localhost and http://[::1] on any port.
 */

const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  NON_PUBLIC.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  NON_PUBLIC.addSubnet(net, prefix, "ipv6");

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // BlockList reads IPv4 as IPv4-mapped IPv6, so a mapped range cannot be listed
  // without covering every IPv4 address: a mapped address is judged as its IPv4.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped);
  if (family === 6 && /^::ffff:/i.test(address)) return false;
  return !NON_PUBLIC.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Why an endpoint is refused, in words for the person; null when it is acceptable. */
export function pushEndpointProblem(endpoint: string, allowLoopback: boolean): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "endpoint must be an https URL";
  }
  if (url.username || url.password) return "endpoint must not carry credentials";
  if (allowLoopback && url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return null;
  if (url.protocol !== "https:") return "endpoint must be an https URL";
  if (url.port !== "") return "endpoint must use the default https port";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host)) {
    if (allowLoopback && LOOPBACK_HOSTS.has(url.hostname)) return null;
    return isPublicAddress(host) ? null : "endpoint must name a public push service";
  }
  if (!host.includes(".") || /\.(localhost|local|internal|home\.arpa)$/i.test(host))
    return "endpoint must name a public push service";
  if (host === "localhost" && !allowLoopback) return "endpoint must name a public push service";
  return null;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s).request that refuses to connect to a non-public
 * address, whatever the name resolved to this time (DNS rebinding).
 */
export function publicOnlyLookup(allowLoopback: boolean) {
  return (hostname: string, options: object, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const refused = list.find(
        (entry) => !isPublicAddress(entry.address) && !(allowLoopback && isLoopback(entry.address)),
      );
      if (refused) {
        const denied: NodeJS.ErrnoException = new Error(
          `push endpoint ${hostname} resolves to a non-public address`,
        );
        denied.code = "ENOTPUBLIC";
        return callback(denied, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), []);
      callback(null, first.address, first.family);
    });
  };
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.");
}
