import { MAX_PAGE_SIZE, MAX_REPLAYED_CHANGES } from "../../lib/shared/limits";
import type { BenchSettings, Progress } from "../lib/context";
import { type Spread, spread } from "../lib/summary";
import { Target } from "../lib/targets";
import { ackPayload, WireClient } from "../lib/wire";

/**
 * Catch-up after being away: a room gets `changes` edits, reactions and
 * deletes while one client is gone; back, it replays them with
 * `changes:after` until `hasMore` is false. Its alternative is to drop what
 * it holds and load the newest page. Replaying the last n changes is measured
 * for several n on one seeded room (the cursor is simply latestRev − n), so
 * the crossover with the newest page shows where MAX_REPLAYED_CHANGES sits.
 */
export type CatchupOptions = {
  messages: number;
  changes: number;
  /** How far behind (in changes) the measured replays start. */
  behind: readonly number[];
  samples: number;
  writers: number;
  inFlight: number;
};

export function catchupOptions(settings: BenchSettings): CatchupOptions {
  if (settings.quick)
    return {
      messages: 1_000,
      changes: 10_000,
      behind: [100, 1_000, 2_000, 10_000],
      samples: 3,
      writers: 8,
      inFlight: 64,
    };
  return {
    messages: 2_000,
    changes: 10_000,
    behind: [50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000],
    samples: 7,
    writers: 8,
    inFlight: 64,
  };
}

export type ReplayPoint = {
  behind: number;
  /** Time from the first `changes:after` to the answer with `hasMore: false`. */
  ms: Spread;
  /** Bytes of those answers (WebSocket payloads). */
  bytes: number;
  pages: number;
  /** Distinct messages received: each changed message once, in its current state. */
  messages: number;
};

export type CatchupResult = {
  messages: number;
  changes: number;
  mix: Record<"edits" | "reactions" | "deletes", number>;
  /** How long making the changes took, acknowledged: the write side of the scenario. */
  changesPerSecond: number;
  replays: ReplayPoint[];
  /** The alternative: the newest page, as `room:join` answers it on an open connection. */
  newestPage: { ms: Spread; bytes: number };
  /** Changes behind at which replaying starts to cost more than the newest page, interpolated; null when it never does. */
  crossover: { ms: number | null; bytes: number | null };
  threshold: number;
};

type Ack = { ok: boolean; code?: string };

function ask<T>(
  client: WireClient,
  event: string,
  payload: unknown,
): Promise<{ body: T; bytes: number }> {
  return new Promise((resolve, reject) =>
    client.request(event, payload, (result: Ack, frame) => {
      if (!result.ok) reject(new Error(`${event} refused: ${result.code}`));
      else resolve({ body: ackPayload<T>(frame), bytes: frame.length });
    }),
  );
}

type Seeded = { id: string; writer: number; deleted: boolean; busy: boolean };

/** Posts the room's messages from the writers, a window of requests in flight. */
async function seed(writers: WireClient[], count: number, inFlight: number): Promise<Seeded[]> {
  const seeded: Seeded[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const writer = i % writers.length;
      const client = writers[writer] as WireClient;
      const id = await new Promise<string>((resolve, reject) =>
        client.sendChat(`message ${i + 1} ${"lorem ipsum ".repeat(4)}`, (result, frame) => {
          if (!result.ok) reject(new Error(`message:send refused: ${result.code}`));
          else resolve(ackPayload<{ message: { id: string } }>(frame).message.id);
        }),
      );
      seeded.push({ id, writer, deleted: false, busy: false });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return seeded;
}

const EMOJI = ["👍", "❤️", "😂", "🎉", "👀"];

/**
 * Makes `count` changes, each a real one (it takes a rev): of every 50, 34
 * reaction toggles, 15 edits to a new text and 1 delete. A message with a
 * change in flight is not picked again until it is answered, and deleted
 * ones never, so no change is a no-op.
 */
async function makeChanges(
  writers: WireClient[],
  messages: Seeded[],
  count: number,
  inFlight: number,
): Promise<CatchupResult["mix"]> {
  const mix = { edits: 0, reactions: 0, deletes: 0 };
  const reacted = new Set<string>();
  let made = 0;
  let cursor = 0;
  const pick = (): Seeded => {
    for (let tries = 0; tries < messages.length; tries++) {
      const m = messages[cursor++ % messages.length] as Seeded;
      if (!m.deleted && !m.busy) return m;
    }
    throw new Error("no message left to change");
  };
  const lane = async () => {
    while (made < count) {
      const n = made++;
      const message = pick();
      message.busy = true;
      const author = writers[message.writer] as WireClient;
      const kind = n % 50;
      try {
        if (kind === 49) {
          await ask(author, "message:delete", { room: author.room, id: message.id });
          message.deleted = true;
          mix.deletes++;
        } else if (kind >= 34) {
          await ask(author, "message:edit", {
            room: author.room,
            id: message.id,
            text: `edited ${n} ${"lorem ipsum ".repeat(4)}`,
          });
          mix.edits++;
        } else {
          const reactor = (n * 7) % writers.length;
          const emoji = EMOJI[n % EMOJI.length] as string;
          const key = `${reactor} ${message.id} ${emoji}`;
          const add = !reacted.has(key);
          const client = writers[reactor] as WireClient;
          await ask(client, add ? "reaction:add" : "reaction:remove", {
            room: client.room,
            id: message.id,
            emoji,
          });
          if (add) reacted.add(key);
          else reacted.delete(key);
          mix.reactions++;
        }
      } finally {
        message.busy = false;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return mix;
}

/** Far more pages than any replay here needs (10,000 changes at 200 a page is 50). */
const MAX_REPLAY_PAGES = 1_000;

type ChangesPage = { messages: { id: string }[]; hasMore: boolean; latestRev: number };

/** One catch-up: pages of `changes:after` from `after` until `hasMore` is false. */
async function replay(
  client: WireClient,
  after: number,
): Promise<{ ms: number; bytes: number; pages: number; messages: number }> {
  const startedAt = performance.now();
  let cursor = after;
  let bytes = 0;
  let pages = 0;
  const seen = new Set<string>();
  for (;;) {
    const page = await ask<ChangesPage & { ok: true }>(client, "changes:after", {
      room: client.room,
      after: cursor,
      limit: MAX_PAGE_SIZE,
    });
    pages++;
    // Bounded whatever the server says: more pages than changes means hasMore never ends.
    if (pages > MAX_REPLAY_PAGES)
      throw new Error(`changes:after still had more after ${pages} pages`);
    bytes += page.bytes;
    for (const m of page.body.messages) seen.add(m.id);
    const last = page.body.messages.at(-1) as ({ rev: number } & { id: string }) | undefined;
    if (!page.body.hasMore || !last) break;
    cursor = last.rev;
  }
  return { ms: performance.now() - startedAt, bytes, pages, messages: seen.size };
}

/** Where `cost(behind)` first exceeds `bound`, linearly between the measured points; null if never. */
export function crossover(points: readonly { behind: number; cost: number }[], bound: number) {
  const sorted = [...points].sort((a, b) => a.behind - b.behind);
  let previous: { behind: number; cost: number } | null = null;
  for (const point of sorted) {
    if (point.cost > bound) {
      if (!previous) return point.behind;
      const share = (bound - previous.cost) / (point.cost - previous.cost);
      return Math.round(previous.behind + share * (point.behind - previous.behind));
    }
    previous = point;
  }
  return null;
}

export async function catchupScenario(
  settings: BenchSettings,
  progress: Progress,
  options: CatchupOptions = catchupOptions(settings),
): Promise<CatchupResult> {
  const target = await Target.start(
    "scrollback",
    settings.scrollbackEntry ? { scrollbackEntry: settings.scrollbackEntry } : {},
  );
  const writers: WireClient[] = [];
  try {
    for (let i = 0; i < options.writers; i++) {
      const writer = new WireClient("scrollback", target.url, i);
      await writer.connect();
      writers.push(writer);
    }
    progress(
      `catch-up · seeding ${options.messages.toLocaleString("en-US")} messages, then ${options.changes.toLocaleString("en-US")} changes`,
    );
    const messages = await seed(writers, options.messages, options.inFlight);
    const startedAt = performance.now();
    const mix = await makeChanges(writers, messages, options.changes, options.inFlight);
    const changesPerSecond = options.changes / ((performance.now() - startedAt) / 1000);
    for (const writer of writers) writer.close();
    writers.length = 0;

    // The client that was away comes back: connected and joined, it learns latestRev.
    const back = new WireClient("scrollback", target.url, options.writers);
    await back.connect();
    try {
      const joined = await ask<{ latestRev: number }>(back, "room:join", { room: back.room });
      const latestRev = joined.body.latestRev;
      const replays: ReplayPoint[] = [];
      for (const behind of options.behind) {
        const runs = [];
        // The first replay warms the server's caches and the JIT up, and is not counted.
        await replay(back, Math.max(0, latestRev - behind));
        for (let i = 0; i < options.samples; i++)
          runs.push(await replay(back, Math.max(0, latestRev - behind)));
        const last = runs.at(-1) as (typeof runs)[number];
        const point = {
          behind,
          ms: spread(runs.map((r) => r.ms)),
          bytes: last.bytes,
          pages: last.pages,
          messages: last.messages,
        };
        replays.push(point);
        progress(
          `  ${behind.toLocaleString("en-US")} changes behind: ${point.ms.median.toFixed(1)} ms, ${(point.bytes / 1024).toFixed(0)} KiB in ${point.pages} pages, ${point.messages} messages`,
        );
      }
      const pageRuns: number[] = [];
      let pageBytes = 0;
      await ask(back, "room:join", { room: back.room });
      for (let i = 0; i < options.samples * 3; i++) {
        const t = performance.now();
        const page = await ask(back, "room:join", { room: back.room });
        pageRuns.push(performance.now() - t);
        pageBytes = page.bytes;
      }
      const newestPage = { ms: spread(pageRuns), bytes: pageBytes };
      progress(
        `  the newest page instead: ${newestPage.ms.median.toFixed(1)} ms, ${(pageBytes / 1024).toFixed(0)} KiB`,
      );
      return {
        messages: options.messages,
        changes: options.changes,
        mix,
        changesPerSecond,
        replays,
        newestPage,
        crossover: {
          ms: crossover(
            replays.map((r) => ({ behind: r.behind, cost: r.ms.median })),
            newestPage.ms.median,
          ),
          bytes: crossover(
            replays.map((r) => ({ behind: r.behind, cost: r.bytes })),
            newestPage.bytes,
          ),
        },
        threshold: MAX_REPLAYED_CHANGES,
      };
    } finally {
      back.close();
    }
  } finally {
    for (const writer of writers) writer.close();
    await target.stop();
  }
}
