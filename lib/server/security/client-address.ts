import type { IncomingMessage } from "node:http";
import { isIPv4, isIPv6 } from "node:net";

/**
 * The address a connection comes from, as the key that per-address limits
 * count by. Behind a reverse proxy (`trustProxy`) it is the last entry of
 * X-Forwarded-For, the one that proxy appended itself: entries to its left
 * were sent by the client and prove nothing. Without a proxy the header is
 * ignored, since anyone can send it.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  return addressKey(
    remoteAddressOf(request.socket.remoteAddress, request.headers["x-forwarded-for"], trustProxy),
  );
}

export function remoteAddressOf(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy && forwardedFor !== undefined) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
    const last = header
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0)
      .at(-1);
    if (last) return last;
  }
  return socketAddress ?? "unknown";
}

/**
 * IPv4 addresses count one by one. An IPv6 client usually holds a whole /64
 * and can pick a fresh address for every connection, so its /64 is what counts.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(address)) return address;
  const withoutZone = address.split("%", 1)[0] ?? address;
  if (!isIPv6(withoutZone)) return address;
  return `${expandIPv6(withoutZone).slice(0, 4).join(":")}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = "", tail] = address.toLowerCase().split("::", 2);
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  // An embedded IPv4 tail (::1.2.3.4) stands for two groups.
  const groups = (parts: string[]) =>
    parts.flatMap((part) => {
      if (!part.includes(".")) return [part];
      const [a = 0, b = 0, c = 0, d = 0] = part.split(".").map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const l = groups(left);
  const r = groups(right);
  const zeros = tail === undefined ? [] : Array<string>(8 - l.length - r.length).fill("0");
  return [...l, ...zeros, ...r].map((group) => group.replace(/^0+(?=.)/, ""));
}
