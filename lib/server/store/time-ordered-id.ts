import { randomFillSync } from "node:crypto";

const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random
 * bits. Message ids made this way arrive in the id index in about increasing
 * order, so each insert lands on the index's rightmost page instead of a
 * random one: a commit dirties (and writes to the WAL) far fewer pages.
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

let lastMonotonicMs = 0;

/**
 * A time-ordered id that sorts after every one this process made before,
 * even within one millisecond (its time then runs a millisecond ahead, as
 * RFC 9562 allows): for records paged by id, like the audit log, whose
 * order must be the order they were written in.
 */
export function monotonicTimeOrderedId(now: number = Date.now()): string {
  lastMonotonicMs = Math.max(now, lastMonotonicMs + 1);
  return timeOrderedId(lastMonotonicMs);
}
