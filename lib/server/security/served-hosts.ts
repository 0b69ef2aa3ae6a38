import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { hostOfHeader, normalizeHost } from "./host-names";

/** What the machine calls itself: its interfaces' addresses and its host name. */
export type MachineHosts = { addresses: readonly string[]; names: readonly string[] };

export type KnownHosts = {
  /** ALLOWED_HOSTS, normalized; `*` answers to any host. */
  allowed: readonly string[];
  /** The hosts of ALLOWED_ORIGINS: an operator who lists the public origin serves that host. */
  ofAllowedOrigins: readonly string[];
  /** The address the server listens on, when it is a specific one (not 0.0.0.0 or ::). */
  listening: readonly string[];
  machine: MachineHosts;
  /** Behind a trusted reverse proxy with no ALLOWED_HOSTS: the proxy decides which hosts reach us. */
  trustProxy: boolean;
};

function isLoopback(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1" || /^::ffff:127\./.test(host);
}

/**
 * Whether a request for `host` (normalized, from its `Host` header) is one
 * this server serves. DNS rebinding points an attacker's name at this
 * server's address, so that the attacker's page is "same origin" with it and
 * may read what it answers; the browser still sends the attacker's name in
 * `Host`, so refusing names the server does not answer to defeats it.
 *
 * Served with no configuration: loopback names and addresses, the machine's
 * own addresses and host name (so a LAN peer can open it by IP or by name),
 * and the listening address; besides those, ALLOWED_HOSTS and the hosts of
 * ALLOWED_ORIGINS. Behind a trusted proxy with no ALLOWED_HOSTS, any host the
 * proxy forwards is served: the proxy's own host routing is the list.
 */
export function isServedHost(host: string, known: KnownHosts): boolean {
  if (known.allowed.includes("*")) return true;
  if (known.trustProxy && known.allowed.length === 0) return true;
  if (isLoopback(host) || host === "0.0.0.0" || host === "::") return true;
  return (
    known.allowed.includes(host) ||
    known.ofAllowedOrigins.includes(host) ||
    known.listening.includes(host) ||
    known.machine.addresses.includes(host) ||
    known.machine.names.includes(host)
  );
}

/** The machine's addresses and names as the OS reports them now. */
export function machineHosts(): MachineHosts {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .flatMap((entry) => (entry ? [entry.address.toLowerCase()] : []));
  const name = normalizeHost(hostname());
  return { addresses, names: name ? [name, `${name}.local`] : [] };
}

export type ServedHosts = {
  /** Whether a request with this `Host` header is for this server; a request without one is not a browser's. */
  serves(hostHeader: string | undefined): boolean;
  /** The address given to listen(): a specific one is served too. */
  listeningOn(host: string): void;
};

/** How often the machine's addresses may be read again, when a request names an address not yet known. */
const REFRESH_MS = 1_000;

export function createServedHosts(options: {
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  trustProxy: boolean;
  machine?: () => MachineHosts;
}): ServedHosts {
  const readMachine = options.machine ?? machineHosts;
  const listening: string[] = [];
  const known: KnownHosts = {
    allowed: options.allowedHosts,
    ofAllowedOrigins: options.allowedOrigins.flatMap((origin) => {
      const host = normalizeHost(new URL(origin).hostname);
      return host ? [host] : [];
    }),
    listening,
    machine: readMachine(),
    trustProxy: options.trustProxy,
  };
  let readAt = Date.now();
  return {
    serves(hostHeader) {
      if (hostHeader === undefined || hostHeader === "") return true;
      const host = hostOfHeader(hostHeader);
      if (host === null) return false;
      if (isServedHost(host, known)) return true;
      // An address the machine gained since (DHCP, a new interface): look again, now and then.
      if (isIP(host) && Date.now() - readAt > REFRESH_MS) {
        known.machine = readMachine();
        readAt = Date.now();
        return isServedHost(host, known);
      }
      return false;
    },
    listeningOn(host) {
      const normalized = normalizeHost(host);
      if (normalized && !listening.includes(normalized)) listening.push(normalized);
    },
  };
}
