import { z } from "zod";
import { MAX_MESSAGE_CODE_POINTS, MAX_PAGE_SIZE } from "../../shared/limits";
import { normalizeHost } from "./host-names";

/**
 * The limits that keep one client from hurting everyone else. Every value has
 * a default suited to a public server and an environment variable to change
 * it (docs/security.md explains each); tests pass small ones to
 * `createChatServer` so that an attack is cut off within a few requests.
 */
export type SecurityLimits = {
  /** Messages one identity may send: a sustained rate plus a burst allowance. */
  messagesPerSecond: number;
  messageBurst: number;
  /**
   * Messages from one IP address, all its identities together: identities
   * cost nothing to make, so this is what stops a client that reconnects as
   * someone new whenever its own budget runs out.
   */
  messagesPerIpPerSecond: number;
  messageBurstPerIp: number;
  /**
   * Deliveries one address may cause, per second plus a burst: a message or
   * a relayed typing notice costs one per connection in its room, so a
   * message to a room of a thousand costs a thousand. This is what one
   * address's messages really cost everyone else, whatever their count.
   */
  deliveriesPerIpPerSecond: number;
  deliveryBurstPerIp: number;
  /**
   * Bytes of stored messages one address's changes (edits, deletes,
   * reactions) may rewrite, per second plus a burst: a reaction is a request
   * of sixty bytes, but the store rewrites the whole message it changes —
   * up to 16 KB of text — so changes are budgeted by what they rewrite,
   * not by their count alone.
   */
  rewriteBytesPerIpPerSecond: number;
  rewriteByteBurstPerIp: number;
  /** Events of any kind one connection may send, the same way. */
  eventsPerSecond: number;
  eventBurst: number;
  /**
   * `user:rename`s one identity, and one address, may make per minute: each
   * is a durable write, a `session` to every tab of the identity and a
   * presence change to every room it is in.
   */
  renamesPerMinute: number;
  renamesPerIpPerMinute: number;
  /**
   * `read:mark`s one identity, and one address, may make per minute: each is
   * a durable write and an event to every other connection of the account.
   * An open room marks as messages arrive, at most about once a second.
   */
  readsPerMinute: number;
  readsPerIpPerMinute: number;
  /**
   * `room:join`s and `room:leave`s that change a subscription, per minute,
   * per identity and per address: each is a presence change for everyone in
   * the room (joining a room already joined spends nothing).
   */
  joinsPerMinute: number;
  joinsPerIpPerMinute: number;
  /**
   * Typing notices relayed to a room, per minute, per identity and per
   * address: each is an event to everyone in the room. Notices over it are
   * dropped, as lost volatile events are.
   */
  typingPerMinute: number;
  typingPerIpPerMinute: number;
  /**
   * Rooms created (a room is made by its first message) per hour, per
   * identity and per address: each is a row for good and a place on the
   * landing page's list.
   */
  roomsPerHour: number;
  roomsPerIpPerHour: number;
  /**
   * History one address may read, in bytes of the pages it is sent (each
   * request costs at least HISTORY_REQUEST_BYTES, however small its page):
   * a sustained rate plus a burst refilled every `burstWindowMs`. Pages come
   * from `room:join`, `history:before` and `history:after` alike.
   */
  historyBytesPerIpPerSecond: number;
  historyByteBurstPerIp: number;
  /** History pages one address may have under way at once; more wait their turn, up to a queue. */
  maxHistoryRequestsPerIp: number;
  /** How long a burst allowance takes to refill. */
  burstWindowMs: number;
  /**
   * How long an address may not open new connections after one of its
   * connections kept sending while refused (and was cut off for it).
   */
  abuseBlockMs: number;
  /** Open connections from one IP address (an IPv6 client counts by its /64 network). */
  maxConnectionsPerIp: number;
  /** New connections from one IP address per second, after a burst of `maxConnectionsPerIp`. */
  connectionsPerIpPerSecond: number;
  maxRoomsPerConnection: number;
  /** Output queued for a client that does not read it, before that client is cut off. */
  maxBufferedBytesPerConnection: number;
  /** Output queued for all clients together; over it the slowest readers are cut off first. */
  maxBufferedBytesTotal: number;
  /**
   * How long the oldest accepted message may wait for its ack before the
   * server counts as overloaded and refuses new sends (`unavailable`).
   */
  maxSendDelayMs: number;
  /** How often the server looks for clients over that output limit. */
  slowClientSweepMs: number;
  /** Browser origins allowed besides the server's own host, as `scheme://host[:port]`. */
  allowedOrigins: readonly string[];
  /**
   * Host names (or addresses) this server answers to besides its own (see
   * served-hosts.ts), lowercase; `*` answers to any. A request for another
   * host is refused, which defeats DNS rebinding.
   */
  allowedHosts: readonly string[];
  /** Behind one reverse proxy: take the client address and host from its X-Forwarded-* headers. */
  trustProxy: boolean;
};

export const DEFAULT_SECURITY_LIMITS: SecurityLimits = {
  messagesPerSecond: 5,
  messageBurst: 100,
  messagesPerIpPerSecond: 20,
  messageBurstPerIp: 300,
  deliveriesPerIpPerSecond: 2_500,
  deliveryBurstPerIp: 2_500,
  rewriteBytesPerIpPerSecond: 64 * 1024,
  rewriteByteBurstPerIp: 1024 * 1024,
  eventsPerSecond: 20,
  eventBurst: 300,
  renamesPerMinute: 6,
  renamesPerIpPerMinute: 60,
  readsPerMinute: 240,
  readsPerIpPerMinute: 2400,
  joinsPerMinute: 300,
  joinsPerIpPerMinute: 1200,
  typingPerMinute: 60,
  typingPerIpPerMinute: 600,
  roomsPerHour: 10,
  roomsPerIpPerHour: 30,
  historyBytesPerIpPerSecond: 1024 * 1024,
  historyByteBurstPerIp: 4 * 1024 * 1024,
  maxHistoryRequestsPerIp: 4,
  burstWindowMs: 60_000,
  abuseBlockMs: 30_000,
  maxConnectionsPerIp: 500,
  connectionsPerIpPerSecond: 5,
  maxRoomsPerConnection: 100,
  maxBufferedBytesPerConnection: 8 * 1024 * 1024,
  maxBufferedBytesTotal: 64 * 1024 * 1024,
  maxSendDelayMs: 1_000,
  slowClientSweepMs: 500,
  allowedOrigins: [],
  allowedHosts: [],
  trustProxy: false,
};

/**
 * The largest single reply the server sends, in bytes: a full history page of
 * the longest messages (four UTF-8 bytes per code point at worst, and room for
 * the message's other fields). A client that has not yet read one such reply
 * is reading, not stalled, so no output limit may be below it.
 */
export const LARGEST_REPLY_BYTES = MAX_PAGE_SIZE * (MAX_MESSAGE_CODE_POINTS * 4 + 1024);

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A byte limit with a floor below which the server would cut off clients that do nothing wrong. */
const bytes = (fallback: number, min: number, why: string) =>
  z.coerce.number().int().min(min, `must be at least ${min} bytes (${why})`).default(fallback);

/** An origin as browsers send it: scheme, host and port, nothing else. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

const originList = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const origins: string[] = [];
    for (const entry of value.split(",").map((s) => s.trim())) {
      if (entry === "") continue;
      const origin = normalizeOrigin(entry);
      if (origin === null) {
        ctx.addIssue({
          code: "custom",
          message: `"${entry}" is not an origin like https://chat.example.org`,
        });
        return z.NEVER;
      }
      origins.push(origin);
    }
    return origins;
  });

const hostList = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const hosts: string[] = [];
    for (const entry of value.split(",").map((s) => s.trim())) {
      if (entry === "") continue;
      const host = entry === "*" ? entry : normalizeHost(entry);
      if (host === null) {
        ctx.addIssue({
          code: "custom",
          message: `"${entry}" is not a host name like chat.example.org (no scheme, no port), an IP address, or *`,
        });
        return z.NEVER;
      }
      hosts.push(host);
    }
    return hosts;
  });

export const securityEnvSchema = z.object({
  RATE_LIMIT_MESSAGES_PER_SECOND: count(DEFAULT_SECURITY_LIMITS.messagesPerSecond),
  RATE_LIMIT_MESSAGE_BURST: count(DEFAULT_SECURITY_LIMITS.messageBurst),
  RATE_LIMIT_MESSAGES_PER_IP_PER_SECOND: count(DEFAULT_SECURITY_LIMITS.messagesPerIpPerSecond),
  RATE_LIMIT_MESSAGE_BURST_PER_IP: count(DEFAULT_SECURITY_LIMITS.messageBurstPerIp),
  RATE_LIMIT_DELIVERIES_PER_IP_PER_SECOND: count(DEFAULT_SECURITY_LIMITS.deliveriesPerIpPerSecond),
  RATE_LIMIT_DELIVERY_BURST_PER_IP: count(DEFAULT_SECURITY_LIMITS.deliveryBurstPerIp),
  RATE_LIMIT_REWRITE_BYTES_PER_IP_PER_SECOND: count(
    DEFAULT_SECURITY_LIMITS.rewriteBytesPerIpPerSecond,
  ),
  RATE_LIMIT_REWRITE_BYTE_BURST_PER_IP: count(DEFAULT_SECURITY_LIMITS.rewriteByteBurstPerIp),
  RATE_LIMIT_EVENTS_PER_SECOND: count(DEFAULT_SECURITY_LIMITS.eventsPerSecond),
  RATE_LIMIT_EVENT_BURST: count(DEFAULT_SECURITY_LIMITS.eventBurst),
  RATE_LIMIT_RENAMES_PER_MINUTE: count(DEFAULT_SECURITY_LIMITS.renamesPerMinute),
  RATE_LIMIT_RENAMES_PER_IP_PER_MINUTE: count(DEFAULT_SECURITY_LIMITS.renamesPerIpPerMinute),
  RATE_LIMIT_READS_PER_MINUTE: count(DEFAULT_SECURITY_LIMITS.readsPerMinute),
  RATE_LIMIT_READS_PER_IP_PER_MINUTE: count(DEFAULT_SECURITY_LIMITS.readsPerIpPerMinute),
  RATE_LIMIT_JOINS_PER_MINUTE: count(DEFAULT_SECURITY_LIMITS.joinsPerMinute),
  RATE_LIMIT_JOINS_PER_IP_PER_MINUTE: count(DEFAULT_SECURITY_LIMITS.joinsPerIpPerMinute),
  RATE_LIMIT_TYPING_PER_MINUTE: count(DEFAULT_SECURITY_LIMITS.typingPerMinute),
  RATE_LIMIT_TYPING_PER_IP_PER_MINUTE: count(DEFAULT_SECURITY_LIMITS.typingPerIpPerMinute),
  RATE_LIMIT_ROOMS_PER_HOUR: count(DEFAULT_SECURITY_LIMITS.roomsPerHour),
  RATE_LIMIT_ROOMS_PER_IP_PER_HOUR: count(DEFAULT_SECURITY_LIMITS.roomsPerIpPerHour),
  RATE_LIMIT_HISTORY_BYTES_PER_IP_PER_SECOND: count(
    DEFAULT_SECURITY_LIMITS.historyBytesPerIpPerSecond,
  ),
  RATE_LIMIT_HISTORY_BYTE_BURST_PER_IP: count(DEFAULT_SECURITY_LIMITS.historyByteBurstPerIp),
  MAX_HISTORY_REQUESTS_PER_IP: count(DEFAULT_SECURITY_LIMITS.maxHistoryRequestsPerIp),
  MAX_CONNECTIONS_PER_IP: count(DEFAULT_SECURITY_LIMITS.maxConnectionsPerIp),
  RATE_LIMIT_CONNECTIONS_PER_IP_PER_SECOND: count(
    DEFAULT_SECURITY_LIMITS.connectionsPerIpPerSecond,
  ),
  MAX_ROOMS_PER_CONNECTION: count(DEFAULT_SECURITY_LIMITS.maxRoomsPerConnection),
  MAX_BUFFERED_BYTES_PER_CONNECTION: bytes(
    DEFAULT_SECURITY_LIMITS.maxBufferedBytesPerConnection,
    LARGEST_REPLY_BYTES,
    "a full page of the longest messages: a client reading one would be cut off",
  ),
  MAX_BUFFERED_BYTES_TOTAL: bytes(
    DEFAULT_SECURITY_LIMITS.maxBufferedBytesTotal,
    LARGEST_REPLY_BYTES,
    "a full page of the longest messages: a client reading one would be cut off",
  ),
  ABUSE_BLOCK_SECONDS: count(DEFAULT_SECURITY_LIMITS.abuseBlockMs / 1000),
  ALLOWED_ORIGINS: originList,
  ALLOWED_HOSTS: hostList,
});

export function securityLimitsFromEnv(
  env: z.output<typeof securityEnvSchema>,
  trustProxy: boolean,
): SecurityLimits {
  return {
    ...DEFAULT_SECURITY_LIMITS,
    messagesPerSecond: env.RATE_LIMIT_MESSAGES_PER_SECOND,
    messageBurst: env.RATE_LIMIT_MESSAGE_BURST,
    messagesPerIpPerSecond: env.RATE_LIMIT_MESSAGES_PER_IP_PER_SECOND,
    messageBurstPerIp: env.RATE_LIMIT_MESSAGE_BURST_PER_IP,
    deliveriesPerIpPerSecond: env.RATE_LIMIT_DELIVERIES_PER_IP_PER_SECOND,
    deliveryBurstPerIp: env.RATE_LIMIT_DELIVERY_BURST_PER_IP,
    rewriteBytesPerIpPerSecond: env.RATE_LIMIT_REWRITE_BYTES_PER_IP_PER_SECOND,
    rewriteByteBurstPerIp: env.RATE_LIMIT_REWRITE_BYTE_BURST_PER_IP,
    eventsPerSecond: env.RATE_LIMIT_EVENTS_PER_SECOND,
    eventBurst: env.RATE_LIMIT_EVENT_BURST,
    renamesPerMinute: env.RATE_LIMIT_RENAMES_PER_MINUTE,
    renamesPerIpPerMinute: env.RATE_LIMIT_RENAMES_PER_IP_PER_MINUTE,
    readsPerMinute: env.RATE_LIMIT_READS_PER_MINUTE,
    readsPerIpPerMinute: env.RATE_LIMIT_READS_PER_IP_PER_MINUTE,
    joinsPerMinute: env.RATE_LIMIT_JOINS_PER_MINUTE,
    joinsPerIpPerMinute: env.RATE_LIMIT_JOINS_PER_IP_PER_MINUTE,
    typingPerMinute: env.RATE_LIMIT_TYPING_PER_MINUTE,
    typingPerIpPerMinute: env.RATE_LIMIT_TYPING_PER_IP_PER_MINUTE,
    roomsPerHour: env.RATE_LIMIT_ROOMS_PER_HOUR,
    roomsPerIpPerHour: env.RATE_LIMIT_ROOMS_PER_IP_PER_HOUR,
    historyBytesPerIpPerSecond: env.RATE_LIMIT_HISTORY_BYTES_PER_IP_PER_SECOND,
    historyByteBurstPerIp: env.RATE_LIMIT_HISTORY_BYTE_BURST_PER_IP,
    maxHistoryRequestsPerIp: env.MAX_HISTORY_REQUESTS_PER_IP,
    maxConnectionsPerIp: env.MAX_CONNECTIONS_PER_IP,
    connectionsPerIpPerSecond: env.RATE_LIMIT_CONNECTIONS_PER_IP_PER_SECOND,
    maxRoomsPerConnection: env.MAX_ROOMS_PER_CONNECTION,
    maxBufferedBytesPerConnection: env.MAX_BUFFERED_BYTES_PER_CONNECTION,
    maxBufferedBytesTotal: env.MAX_BUFFERED_BYTES_TOTAL,
    abuseBlockMs: env.ABUSE_BLOCK_SECONDS * 1000,
    allowedOrigins: env.ALLOWED_ORIGINS,
    allowedHosts: env.ALLOWED_HOSTS,
    trustProxy,
  };
}
