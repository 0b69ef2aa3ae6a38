import { z } from "zod";

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
  /** Events of any kind one connection may send, the same way. */
  eventsPerSecond: number;
  eventBurst: number;
  /** How long a burst allowance takes to refill. */
  burstWindowMs: number;
  /** Open connections from one IP address (an IPv6 client counts by its /64 network). */
  maxConnectionsPerIp: number;
  maxRoomsPerConnection: number;
  /** Output queued for a client that does not read it, before that client is cut off. */
  maxBufferedBytesPerConnection: number;
  /** How often the server looks for clients over that output limit. */
  slowClientSweepMs: number;
  /** Browser origins allowed besides the server's own host, as `scheme://host[:port]`. */
  allowedOrigins: readonly string[];
  /** Behind one reverse proxy: take the client address and host from its X-Forwarded-* headers. */
  trustProxy: boolean;
};

export const DEFAULT_SECURITY_LIMITS: SecurityLimits = {
  messagesPerSecond: 5,
  messageBurst: 100,
  eventsPerSecond: 20,
  eventBurst: 300,
  burstWindowMs: 60_000,
  maxConnectionsPerIp: 500,
  maxRoomsPerConnection: 100,
  maxBufferedBytesPerConnection: 8 * 1024 * 1024,
  slowClientSweepMs: 1_000,
  allowedOrigins: [],
  trustProxy: false,
};

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

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

export const securityEnvSchema = z.object({
  RATE_LIMIT_MESSAGES_PER_SECOND: count(DEFAULT_SECURITY_LIMITS.messagesPerSecond),
  RATE_LIMIT_MESSAGE_BURST: count(DEFAULT_SECURITY_LIMITS.messageBurst),
  RATE_LIMIT_EVENTS_PER_SECOND: count(DEFAULT_SECURITY_LIMITS.eventsPerSecond),
  RATE_LIMIT_EVENT_BURST: count(DEFAULT_SECURITY_LIMITS.eventBurst),
  MAX_CONNECTIONS_PER_IP: count(DEFAULT_SECURITY_LIMITS.maxConnectionsPerIp),
  MAX_ROOMS_PER_CONNECTION: count(DEFAULT_SECURITY_LIMITS.maxRoomsPerConnection),
  MAX_BUFFERED_BYTES_PER_CONNECTION: count(DEFAULT_SECURITY_LIMITS.maxBufferedBytesPerConnection),
  ALLOWED_ORIGINS: originList,
});

export function securityLimitsFromEnv(
  env: z.output<typeof securityEnvSchema>,
  trustProxy: boolean,
): SecurityLimits {
  return {
    ...DEFAULT_SECURITY_LIMITS,
    messagesPerSecond: env.RATE_LIMIT_MESSAGES_PER_SECOND,
    messageBurst: env.RATE_LIMIT_MESSAGE_BURST,
    eventsPerSecond: env.RATE_LIMIT_EVENTS_PER_SECOND,
    eventBurst: env.RATE_LIMIT_EVENT_BURST,
    maxConnectionsPerIp: env.MAX_CONNECTIONS_PER_IP,
    maxRoomsPerConnection: env.MAX_ROOMS_PER_CONNECTION,
    maxBufferedBytesPerConnection: env.MAX_BUFFERED_BYTES_PER_CONNECTION,
    allowedOrigins: env.ALLOWED_ORIGINS,
    trustProxy,
  };
}
