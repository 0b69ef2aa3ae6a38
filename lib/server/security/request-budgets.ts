import type { ChatSocket } from "../transport/socket-types";
import { clientAddress } from "./client-address";
import {
  createCostBudget,
  createRateLimiter,
  createWindowLimiter,
  type KeyedRateLimiter,
  type RateDecision,
} from "./rate-limiter";
import type { SecurityLimits } from "./security-config";

/**
 * What a request changes, each with a budget per identity and per address
 * (identities cost nothing to make, so the address's budget is what holds
 * a client that spreads its requests over many). docs/security.md says what
 * each costs and defends.
 */
export type BudgetName = "messages" | "renames" | "reads" | "joins" | "typing" | "rooms";

export type RequestBudgets = {
  /** Spends one from the identity's budget, then one from its address's. */
  spend(name: BudgetName, socket: ChatSocket): Promise<RateDecision>;
  /**
   * Spends `deliveries` (the connections a broadcast will reach) from the
   * address's delivery budget: allowed while any is left, so that one
   * broadcast to a room larger than the budget is not refused for ever.
   */
  deliver(socket: ChatSocket, deliveries: number): Promise<RateDecision>;
  /**
   * The address's budget of bytes its changes rewrite: `check` before a
   * change (refused once spent), `charge` after it, with the bytes of the
   * message the store rewrote.
   */
  rewrites: {
    check(socket: ChatSocket): Promise<RateDecision>;
    charge(socket: ChatSocket, bytes: number): Promise<void>;
  };
};

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

type Pair = { identity: KeyedRateLimiter; address: KeyedRateLimiter };

export function createRequestBudgets(limits: SecurityLimits): RequestBudgets {
  const window = limits.burstWindowMs;
  const perMinute = (points: number, name: string) =>
    createWindowLimiter({ points, windowMs: MINUTE_MS }, name);
  const budgets: Record<BudgetName, Pair> = {
    messages: {
      identity: createRateLimiter(
        { perSecond: limits.messagesPerSecond, burst: limits.messageBurst, burstWindowMs: window },
        "messages",
      ),
      address: createRateLimiter(
        {
          perSecond: limits.messagesPerIpPerSecond,
          burst: limits.messageBurstPerIp,
          burstWindowMs: window,
        },
        "messages-per-ip",
      ),
    },
    renames: {
      identity: perMinute(limits.renamesPerMinute, "renames"),
      address: perMinute(limits.renamesPerIpPerMinute, "renames-per-ip"),
    },
    reads: {
      identity: perMinute(limits.readsPerMinute, "reads"),
      address: perMinute(limits.readsPerIpPerMinute, "reads-per-ip"),
    },
    joins: {
      identity: perMinute(limits.joinsPerMinute, "joins"),
      address: perMinute(limits.joinsPerIpPerMinute, "joins-per-ip"),
    },
    typing: {
      identity: perMinute(limits.typingPerMinute, "typing"),
      address: perMinute(limits.typingPerIpPerMinute, "typing-per-ip"),
    },
    rooms: {
      identity: createWindowLimiter({ points: limits.roomsPerHour, windowMs: HOUR_MS }, "rooms"),
      address: createWindowLimiter(
        { points: limits.roomsPerIpPerHour, windowMs: HOUR_MS },
        "rooms-per-ip",
      ),
    },
  };
  const deliveries = createCostBudget(
    {
      perSecond: limits.deliveriesPerIpPerSecond,
      burst: limits.deliveryBurstPerIp,
      burstWindowMs: window,
    },
    "deliveries-per-ip",
  );
  const rewrites = createCostBudget(
    {
      perSecond: limits.rewriteBytesPerIpPerSecond,
      burst: limits.rewriteByteBurstPerIp,
      burstWindowMs: window,
    },
    "rewrites-per-ip",
  );
  const addressOf = (socket: ChatSocket) => clientAddress(socket.request, limits.trustProxy);
  return {
    async spend(name, socket) {
      const { identity, address } = budgets[name];
      const own = await identity.consume(socket.data.user.id);
      if (!own.allowed) return own;
      return address.consume(addressOf(socket));
    },
    async deliver(socket, count) {
      const address = addressOf(socket);
      const decision = await deliveries.check(address);
      if (decision.allowed) await deliveries.charge(address, count);
      return decision;
    },
    rewrites: {
      check: (socket) => rewrites.check(addressOf(socket)),
      charge: (socket, bytes) => rewrites.charge(addressOf(socket), bytes),
    },
  };
}
