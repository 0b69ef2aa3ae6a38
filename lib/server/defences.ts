import type { ChatIo, ChatLimits, ChatSocket } from "./chat-types";
import { guardEventRate } from "./event-rate-guard";
import { installHandshakeGuard } from "./handshake-guard";
import type { Logger } from "./logger";
import { createRateLimiter } from "./rate-limiter";
import { DEFAULT_SECURITY_LIMITS, type SecurityLimits } from "./security-config";
import { sweepSlowClients } from "./slow-clients";

export type Defences = {
  /** Limits the request handlers enforce themselves. */
  chat: ChatLimits;
  /** Applies the per-connection guards to a newly connected socket. */
  guard(socket: ChatSocket): void;
  stop(): void;
};

/**
 * Everything that keeps one client from hurting the others, installed on a
 * Socket.IO server: handshake checks (origin, connections per address, body
 * size), the per-connection event budget, the per-identity message budget and
 * room cap, and the sweep that cuts off clients that stop reading.
 */
export function installDefences(
  io: ChatIo,
  overrides: Partial<SecurityLimits> | undefined,
  logger: Logger,
): Defences {
  const limits: SecurityLimits = { ...DEFAULT_SECURITY_LIMITS, ...overrides };
  const handshake = installHandshakeGuard(io, limits, logger);
  const sweeper = sweepSlowClients(
    handshake.connections,
    {
      maxBufferedBytes: limits.maxBufferedBytesPerConnection,
      intervalMs: limits.slowClientSweepMs,
    },
    logger,
  );
  const events = createRateLimiter(
    {
      perSecond: limits.eventsPerSecond,
      burst: limits.eventBurst,
      burstWindowMs: limits.burstWindowMs,
    },
    "events",
  );
  const messages = createRateLimiter(
    {
      perSecond: limits.messagesPerSecond,
      burst: limits.messageBurst,
      burstWindowMs: limits.burstWindowMs,
    },
    "messages",
  );
  return {
    chat: { messages, maxRoomsPerConnection: limits.maxRoomsPerConnection },
    guard: (socket) => guardEventRate(socket, events, limits.eventBurst, logger),
    stop: () => sweeper.stop(),
  };
}
