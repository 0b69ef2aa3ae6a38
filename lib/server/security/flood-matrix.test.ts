import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type FloodMatrixResult,
  type FloodMatrixSettings,
  type FloodRowResult,
  runFloodMatrix,
} from "../../../bench/lib/flood-matrix";
import { FLOOD_TABLE } from "../../../bench/lib/flood-table";
import { renderText } from "../../../bench/lib/table";
import { hostileTable } from "../../../bench/scenarios/hostile";
import { PROJECT_ROOT } from "../testing/server-process";

/**
 * The flood matrix, quick: every row of FLOOD_TABLE (every request and
 * notice of the protocol) against a server with the default limits, from
 * many connections on one loopback address at 90 % of each budget, while a
 * bystander on another address chats. The bench's hostile scenario runs the
 * same table for longer and with more connections.
 */
const TMPFS = "/dev/shm";

const SETTINGS: FloodMatrixSettings = {
  connections: 60,
  floodMs: 2_500,
  quietMs: 2_000,
  settleMs: 3_000,
  bystanders: 4,
  bystanderPerSecond: 4,
  archiveMessages: 400,
  // The chat server as server.ts composes it, without Next.js: no build needed.
  scrollbackEntry: [
    "--import",
    "tsx",
    join(PROJECT_ROOT, "lib/server/testing/chat-server-process.ts"),
  ],
  // A row during which other work took this much of the two cores runs once more.
  disturbedForeignCores: 0.5,
  disturbedRetries: 1,
  // A row whose timing broke a bound runs once more too; it fails only if it breaks them again.
  retryIf: (r) => !withinTimingBounds(r),
  // On a shared disk one fsync of the bystander's own messages can take a
  // hundred milliseconds when someone else's build writes; on a tmpfs the
  // matrix measures what the flood does. (The bench keeps the disk.)
  ...(existsSync(TMPFS) ? { databaseParent: TMPFS } : {}),
};

/**
 * The bounds: the bystander's p99 within twice its quiet p99 and
 * under 100 ms, the server's event loop never stalled 100 ms. The quiet
 * figures are measured just before each row, in the same run. A p99 of
 * forty-odd samples is their slowest but one, and a single descheduling
 * on a shared machine moves it by tens of milliseconds whether or not
 * anyone floods, so the ratio is taken over a floor of that size.
 *
 * When other work on the machine took more than its share during the row
 * (measured from /proc, as the bench does) on every attempt, timing says
 * more about that work than about the server: then only bounds that the
 * stalls of the unprotected server broke by orders of magnitude (seconds
 * of lag, tens of seconds for a newcomer) are held, besides everything
 * that is not timing.
 */
const P99_BOUND_MS = 100;
const STALL_BOUND_MS = 100;
const QUIET_FLOOR_MS = 25;
const LOADED_BOUND_MS = 1_000;
/** A fresh connection from a third address: connect, session, join. */
const NEWCOMER_BOUND_MS = 250;
/** What a flood may add to the server's memory (the unprotected server grew by gigabytes). */
const RSS_GROWTH_BOUND_MB = 128;

/** The timing bounds a row is held to on a machine that was not busy with other work. */
function withinTimingBounds(r: Omit<FloodRowResult, "attempts">): boolean {
  return (
    r.flood.p99 < P99_BOUND_MS &&
    r.flood.p99 <= 2 * Math.max(r.quiet.p99, QUIET_FLOOR_MS) &&
    r.longestStallMs < STALL_BOUND_MS &&
    r.newcomerConnectMs.max < NEWCOMER_BOUND_MS
  );
}

let result: FloodMatrixResult;
const row = (name: string): FloodRowResult => {
  const found = result.rows.find((r) => r.row === name);
  if (!found) throw new Error(`the matrix did not run "${name}"`);
  return found;
};

describe("the flood matrix: one address at 90 % of every budget, a bystander on another", () => {
  beforeAll(async () => {
    result = await runFloodMatrix(SETTINGS, (line) => console.info(line));
    console.info(renderText(hostileTable(result)));
  }, 300_000);

  it.each(FLOOD_TABLE.map((r) => r.name))("%s", (name) => {
    const r = row(name);
    // The attack happened: every connection was open and sent its share.
    expect(r.connections).toBe(SETTINGS.connections);
    expect(r.attack.sent).toBeGreaterThan(0);
    // The server stayed up, answered everyone, and lost nothing it acknowledged.
    expect(r.serverSurvived).toBe(true);
    expect(r.lost).toBe(0);
    expect(r.bystanderUnanswered).toBe(0);
    expect(r.rssMaxMb - r.rssBeforeMb).toBeLessThan(RSS_GROWTH_BOUND_MB);
    expect(r.flood.samples).toBeGreaterThan(0);

    if (r.disturbed) {
      console.info(
        `${name}: other work took ${r.foreignCores.toFixed(2)} cores on every attempt; holding the loaded bounds`,
      );
      expect(r.flood.p99).toBeLessThan(LOADED_BOUND_MS);
      expect(r.longestStallMs).toBeLessThan(LOADED_BOUND_MS);
      expect(r.newcomerConnectMs.max).toBeLessThan(LOADED_BOUND_MS);
      return;
    }
    expect(r.flood.p99).toBeLessThan(P99_BOUND_MS);
    expect(r.flood.p99).toBeLessThanOrEqual(2 * Math.max(r.quiet.p99, QUIET_FLOOR_MS));
    expect(r.longestStallMs).toBeLessThan(STALL_BOUND_MS);
    // Not the bound (it names none for newcomers; it saw them time out for 18 s).
    expect(r.newcomerConnectMs.max).toBeLessThan(NEWCOMER_BOUND_MS);
  });
});
