import { setImmediate as nextTurn } from "node:timers/promises";
import { MESSAGE_OVERHEAD_BYTES } from "../../shared/limits";
import type { ChatSocket } from "../transport/socket-types";
import { clientAddress } from "./client-address";
import { createConcurrencyGate } from "./concurrency-gate";
import { createCostBudget, type RateDecision } from "./rate-limiter";
import type { SecurityLimits } from "./security-config";

/**
 * What a history request costs at least, even for an empty page: a query
 * and an answer. Without it a flood of requests for nothing would be free.
 */
export const HISTORY_REQUEST_BYTES = 2 * MESSAGE_OVERHEAD_BYTES;

/** Pages an address may have queued behind the ones under way, per page under way. */
const WAITING_PER_RUNNING = 8;
/** When the queue is full, ask for a retry after about the time a few pages take. */
const QUEUE_FULL_RETRY_MS = 250;

export type HistoryTicket = {
  /** The work is done: charges the page's bytes and lets the next page of this address start. */
  finish(bytes: number): void;
};

export type HistoryAdmission =
  | ({ allowed: true } & HistoryTicket)
  | Extract<RateDecision, { allowed: false }>;

/**
 * Every page of history (`room:join`, `history:before`, `history:after`)
 * goes through here: refused while the address's byte budget is spent,
 * queued behind its own pages under way, and started in a turn of the
 * event loop of its own, so that a burst of requests read in one turn does
 * not make one long synchronous read of them.
 */
export type HistoryBudget = {
  admit(socket: ChatSocket): Promise<HistoryAdmission>;
};

export function createHistoryBudget(
  limits: Pick<
    SecurityLimits,
    | "historyBytesPerIpPerSecond"
    | "historyByteBurstPerIp"
    | "maxHistoryRequestsPerIp"
    | "burstWindowMs"
    | "trustProxy"
  >,
): HistoryBudget {
  const bytes = createCostBudget(
    {
      perSecond: limits.historyBytesPerIpPerSecond,
      burst: limits.historyByteBurstPerIp,
      burstWindowMs: limits.burstWindowMs,
    },
    "history-bytes-per-ip",
  );
  const gate = createConcurrencyGate(
    limits.maxHistoryRequestsPerIp,
    limits.maxHistoryRequestsPerIp * WAITING_PER_RUNNING,
  );
  return {
    async admit(socket) {
      const address = clientAddress(socket.request, limits.trustProxy);
      const before = await bytes.check(address);
      if (!before.allowed) return before;
      const release = await gate.acquire(address);
      if (!release) return { allowed: false, retryAfterMs: QUEUE_FULL_RETRY_MS };
      await nextTurn();
      // Pages that waited their turn may find the budget spent by the ones before them.
      const now = await bytes.check(address);
      if (!now.allowed) {
        release();
        return now;
      }
      let finished = false;
      return {
        allowed: true,
        finish(cost) {
          if (finished) return;
          finished = true;
          release();
          // The budget lives in memory and does not fail; a page is served regardless.
          bytes.charge(address, HISTORY_REQUEST_BYTES + cost).catch(() => {});
        },
      };
    },
  };
}
