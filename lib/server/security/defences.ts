import type { Logger } from "../logger";
import { limitRepeats } from "../ops/log-guard";
import type { ChatIo, ChatSocket } from "../transport/socket-types";
import type { ChatLimits } from "./chat-limits";
import { cutOff } from "./engine-connection";
import { guardEventRate } from "./event-rate-guard";
import { installHandshakeGuard } from "./handshake-guard";
import { createHistoryBudget } from "./history-budget";
import { createRateLimiter } from "./rate-limiter";
import { createRequestBudgets } from "./request-budgets";
import { DEFAULT_SECURITY_LIMITS, type SecurityLimits } from "./security-config";
import { SendBacklog } from "./send-backlog";
import { createServedHosts, type ServedHosts } from "./served-hosts";
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
 * size), the per-connection event budget, the budgets per identity and per
 * address of everything a request changes (messages, renames, joins, typing
 * relays, new rooms), the byte and concurrency budget of history per
 * address, the room cap, and the sweep that cuts off clients that stop
 * reading. A connection that floods on after being refused is cut off
 * and its address shut out for a while.
 */
export function installDefences(
  io: ChatIo,
  overrides: Partial<SecurityLimits> | undefined,
  logger: Logger,
  /** The hosts this server answers to; by default, as the limits and this machine say. */
  servedHosts?: ServedHosts,
): Defences {
  const limits: SecurityLimits = { ...DEFAULT_SECURITY_LIMITS, ...overrides };
  const window = limits.burstWindowMs;
  const handshake = installHandshakeGuard(
    io,
    { ...limits, servedHosts: servedHosts ?? createServedHosts(limits) },
    logger,
  );
  const sweeper = sweepSlowClients(
    handshake.connections,
    {
      maxBufferedBytes: limits.maxBufferedBytesPerConnection,
      maxBufferedBytesTotal: limits.maxBufferedBytesTotal,
      intervalMs: limits.slowClientSweepMs,
    },
    logger,
  );
  const events = createRateLimiter(
    { perSecond: limits.eventsPerSecond, burst: limits.eventBurst, burstWindowMs: window },
    "events",
  );
  const budgets = createRequestBudgets(limits);
  // One for every connection: a flood of flooders must not flood the log.
  const cutOffWarnings = limitRepeats(logger);
  function cutOffAbuser(socket: ChatSocket): void {
    handshake.shutOut(socket.request);
    // The DISCONNECT packet tells a socket.io-client not to reconnect by
    // itself; dropping the transport right after stops the server from
    // parsing whatever else is already on its way.
    socket.disconnect(true);
    cutOff(socket.conn);
  }
  return {
    chat: {
      spend: budgets.spend,
      deliver: budgets.deliver,
      rewrites: budgets.rewrites,
      history: createHistoryBudget(limits),
      maxRoomsPerConnection: limits.maxRoomsPerConnection,
      sendBacklog: new SendBacklog(limits.maxSendDelayMs),
    },
    guard: (socket) =>
      guardEventRate(socket, events, limits.eventsPerSecond, cutOffAbuser, logger, cutOffWarnings),
    stop: () => sweeper.stop(),
  };
}
