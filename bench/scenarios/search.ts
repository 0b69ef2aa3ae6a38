import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../lib/server/store/sqlite-store";
import type { HistoryBatch } from "../../lib/server/store/types";
import type { ChatMessage, SearchOrder, User } from "../../lib/shared/protocol";
import { parseSearchQuery } from "../../lib/shared/search-query";
import type { BenchSettings, Progress } from "../lib/context";
import { type Spread, spread } from "../lib/summary";

/**
 * Full-text search on SQLite at a million stored messages: how long a
 * search takes, per kind of query, and what the index costs every write.
 *
 * The texts are drawn from a vocabulary with Zipf-like frequencies (the
 * k-th most common word about 1/k as often as the first), as words are in
 * any chat, so that a query for common words meets long lists of matches
 * and one for rare words short ones; one message in a hundred is Japanese,
 * for the trigram index. Queries run through the store, in process: the
 * server adds the same socket round trip to every request.
 */

export type SearchQueryKind = {
  kind: string;
  /** What the queries of this kind look like, for the table. */
  example: string;
  order: SearchOrder;
  p50Ms: number;
  p99Ms: number;
  /** Hits of a page (at most the page size), averaged over the queries. */
  meanHits: number;
  queries: number;
};

export type SearchWriteRun = {
  run: number;
  indexed: number;
  unindexed: number;
  /** This process's CPU time per appended message. */
  indexedCpuUs: number;
  unindexedCpuUs: number;
};

export type SearchResult = {
  messages: number;
  rooms: number;
  pageSize: number;
  seedSeconds: number;
  databaseMb: number;
  /** The two FTS5 tables' share of the file. */
  indexMb: number;
  queries: SearchQueryKind[];
  writes: {
    seconds: number;
    inFlight: number;
    runs: SearchWriteRun[];
    indexed: Spread;
    unindexed: Spread;
    indexedCpuUs: Spread;
    unindexedCpuUs: Spread;
  };
};

const ROOMS = 50;
const PAGE = 20;
const VOCABULARY = 20_000;
const ZIPF_S = 1.05;
const IMPORT_BATCH = 50_000;
/** Appends in flight at once while writes are measured: what a busy server's group commit sees. */
const IN_FLIGHT = 64;

/** A deterministic generator, so every run searches the same history. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SYLLABLES = "ka ro mi tse lu van dor pel qui sam te nor bi fau gre lin mo das cu ver".split(
  " ",
);
/** The k-th word of the vocabulary: a made-up word, distinct for every k. */
function word(k: number): string {
  let n = k;
  let out = "";
  do {
    out += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return out;
}

/** Draws word ranks with Zipf-like frequencies, by binary search in the cumulative weights. */
function zipf(random: () => number): () => number {
  const cumulative = new Float64Array(VOCABULARY);
  let total = 0;
  for (let k = 0; k < VOCABULARY; k++) {
    total += 1 / (k + 1) ** ZIPF_S;
    cumulative[k] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = VOCABULARY - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cumulative[mid] as number) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

const JAPANESE = ["東京", "タワー", "会議", "資料", "明日", "確認", "お願いします", "了解です"];

function texts(seed: number): () => string {
  const random = rng(seed);
  const rank = zipf(random);
  return () => {
    if (random() < 0.01) {
      const parts = Array.from(
        { length: 3 + Math.floor(random() * 4) },
        () => JAPANESE[Math.floor(random() * JAPANESE.length)],
      );
      return parts.join("");
    }
    const length = 4 + Math.floor(random() * 16);
    return Array.from({ length }, () => word(rank())).join(" ");
  };
}

function seeded(
  room: string,
  seq: number,
  author: User,
  text: string,
  createdAt: number,
): ChatMessage {
  return {
    id: randomUUID(),
    room,
    seq,
    rev: seq,
    clientId: `seed-${seq}`,
    author,
    text,
    createdAt: new Date(createdAt).toISOString(),
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
  };
}

/** Fills `store` with `count` messages spread over the rooms, through the bulk import (and so through the index triggers). */
async function seed(store: SqliteStore, count: number, authors: User[]): Promise<void> {
  const next = texts(1);
  const seqs = new Map<string, number>();
  const start = Date.now() - count * 1000;
  function* batches(): Generator<HistoryBatch> {
    yield { users: authors };
    for (let from = 0; from < count; from += IMPORT_BATCH) {
      const messages: ChatMessage[] = [];
      for (let i = from; i < Math.min(count, from + IMPORT_BATCH); i++) {
        const room = `room-${i % ROOMS}`;
        const seq = (seqs.get(room) ?? 0) + 1;
        seqs.set(room, seq);
        messages.push(
          seeded(room, seq, authors[i % authors.length] as User, next(), start + i * 1000),
        );
      }
      yield { messages };
    }
  }
  await store.messages.importHistory(batches());
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** The kinds of query measured, each a set of queries drawn from one band of word frequency. */
function queryKinds(random: () => number, authors: User[]) {
  const band = (from: number, to: number) => () => word(from + Math.floor(random() * (to - from)));
  const common = band(5, 60);
  const middle = band(200, 2_000);
  const rare = band(2_000, 15_000);
  return [
    { kind: "two common words", make: () => `${common()} ${common()}`, order: "newest" as const },
    {
      kind: "a common and a rare word",
      make: () => `${common()} ${rare()}`,
      order: "newest" as const,
    },
    {
      kind: "two mid-frequency words",
      make: () => `${middle()} ${middle()}`,
      order: "newest" as const,
    },
    { kind: "two rare words", make: () => `${rare()} ${rare()}`, order: "newest" as const },
    {
      kind: "two common words, best first",
      make: () => `${common()} ${common()}`,
      order: "best" as const,
    },
    {
      kind: "two mid-frequency words, best first",
      make: () => `${middle()} ${middle()}`,
      order: "best" as const,
    },
    {
      kind: "a phrase of two common words",
      make: () => `"${common()} ${common()}"`,
      order: "newest" as const,
    },
    {
      kind: "a common word from one author",
      make: () =>
        `${common()} from:${(authors[Math.floor(random() * authors.length)] as User).name}`,
      order: "newest" as const,
    },
    {
      kind: "a Japanese substring (trigram index)",
      make: () => JAPANESE[Math.floor(random() * 6)] as string,
      order: "newest" as const,
    },
  ];
}

type Rate = { perSecond: number; cpuUsPerMessage: number };

/** Appends for `seconds`, IN_FLIGHT at a time, as the server's handlers would: messages stored per second. */
async function appendRate(store: SqliteStore, seconds: number, author: User): Promise<Rate> {
  const next = texts(7);
  let sent = 0;
  const deadline = performance.now() + seconds * 1000;
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  const writer = async (w: number) => {
    while (performance.now() < deadline) {
      sent += 1;
      await store.messages.append({
        room: `room-${sent % ROOMS}`,
        clientId: `w${w}-${sent}`,
        author,
        text: next(),
      });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => writer(w)));
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    perSecond: sent / ((performance.now() - startedAt) / 1000),
    cpuUsPerMessage: (cpu.user + cpu.system) / sent,
  };
}

const UNINDEXED = `
  DROP TRIGGER message_fts_insert; DROP TRIGGER message_fts_update; DROP TRIGGER message_fts_delete;
  DROP TRIGGER message_trigrams_insert; DROP TRIGGER message_trigrams_update; DROP TRIGGER message_trigrams_delete;
`;

export async function searchScenario(
  settings: BenchSettings,
  progress: Progress,
): Promise<SearchResult> {
  const messages = settings.quick ? 100_000 : 1_000_000;
  const queriesPerKind = settings.quick ? 50 : 200;
  const writeSeconds = settings.quick ? 1.5 : 2;
  const turns = settings.quick ? 4 : 10;
  const dir = mkdtempSync(join(tmpdir(), "scrollback-bench-search-"));
  const authors = Array.from({ length: 200 }, (_, i) => ({ id: randomUUID(), name: `person${i}` }));
  try {
    const file = join(dir, "search.db");
    const store = new SqliteStore(file);
    let queries: SearchQueryKind[] = [];
    let seedSeconds = 0;
    try {
      progress(`search · seeding ${messages.toLocaleString("en-US")} messages through the import`);
      const seedStart = performance.now();
      await seed(store, messages, authors);
      seedSeconds = (performance.now() - seedStart) / 1000;
      progress(`  seeded in ${seedSeconds.toFixed(0)} s`);
      const random = rng(42);
      const viewer = { userId: authors[0]?.id ?? null, admin: false };
      for (const kind of queryKinds(random, authors)) {
        const times: number[] = [];
        let hits = 0;
        // A few untimed first: the page cache warms as it would on a server that has been up.
        for (let i = 0; i < queriesPerKind + 10; i++) {
          const query = parseSearchQuery(kind.make());
          const from =
            query.from.length > 0 ? await store.users.findByName(query.from[0] as string, 5) : null;
          const start = performance.now();
          const found = await store.messages.search({
            query,
            viewer,
            order: kind.order,
            limit: PAGE,
            ...(from ? { authorIds: from.map((user) => user.id) } : {}),
          });
          const ms = performance.now() - start;
          if (i < 10) continue;
          times.push(ms);
          hits += found.hits.length;
        }
        times.sort((a, b) => a - b);
        const result: SearchQueryKind = {
          kind: kind.kind,
          example: kind.make(),
          order: kind.order,
          p50Ms: quantile(times, 0.5),
          p99Ms: quantile(times, 0.99),
          meanHits: hits / times.length,
          queries: times.length,
        };
        queries.push(result);
        progress(
          `  ${result.kind}: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.meanHits.toFixed(1)} hits a page`,
        );
      }
    } finally {
      await store.close();
    }
    const databaseMb = statSync(file).size / 1024 ** 2;
    const indexMb = indexBytes(file) / 1024 ** 2;
    queries = queries.map((q) => ({ ...q }));

    // Writes: two databases alike but for the index triggers, measured in
    // short turns, in alternating order, so that whatever else the machine
    // does falls on both alike; CPU time per message too, which other
    // processes disturb less than the rate.
    const writer = { id: "bench-writer", name: "Writer" };
    const open = async (indexed: boolean) => {
      const target = new SqliteStore(join(dir, `writes-${indexed ? "indexed" : "unindexed"}.db`));
      if (!indexed) target.database.db.exec(UNINDEXED);
      await seed(target, 20_000, authors);
      return target;
    };
    const indexedStore = await open(true);
    const unindexedStore = await open(false);
    const runs: SearchWriteRun[] = [];
    try {
      for (let run = 1; run <= turns; run++) {
        const order = run % 2 === 0 ? [true, false] : [false, true];
        const measured: Partial<Record<"indexed" | "unindexed", Rate>> = {};
        for (const indexed of order)
          measured[indexed ? "indexed" : "unindexed"] = await appendRate(
            indexed ? indexedStore : unindexedStore,
            writeSeconds,
            writer,
          );
        const { indexed, unindexed } = measured as Record<"indexed" | "unindexed", Rate>;
        runs.push({
          run,
          indexed: indexed.perSecond,
          unindexed: unindexed.perSecond,
          indexedCpuUs: indexed.cpuUsPerMessage,
          unindexedCpuUs: unindexed.cpuUsPerMessage,
        });
        progress(
          `  writes turn ${run}: ${Math.round(indexed.perSecond).toLocaleString("en-US")} messages/s (${indexed.cpuUsPerMessage.toFixed(0)} µs CPU each) with the index, ${Math.round(unindexed.perSecond).toLocaleString("en-US")} (${unindexed.cpuUsPerMessage.toFixed(0)} µs) without`,
        );
      }
    } finally {
      await indexedStore.close();
      await unindexedStore.close();
    }
    return {
      messages,
      rooms: ROOMS,
      pageSize: PAGE,
      seedSeconds,
      databaseMb,
      indexMb,
      queries,
      writes: {
        seconds: writeSeconds,
        inFlight: IN_FLIGHT,
        runs,
        indexed: spread(runs.map((r) => r.indexed)),
        unindexed: spread(runs.map((r) => r.unindexed)),
        indexedCpuUs: spread(runs.map((r) => r.indexedCpuUs)),
        unindexedCpuUs: spread(runs.map((r) => r.unindexedCpuUs)),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes of the search tables' pages, from SQLite's own accounting (dbstat when built in, else 0). */
function indexBytes(file: string): number {
  const store = new SqliteStore(file);
  try {
    const row = store.database.db
      .prepare(
        `SELECT sum(pgsize) AS bytes FROM dbstat
         WHERE name LIKE 'message_fts%' OR name LIKE 'message_trigrams%'`,
      )
      .get() as { bytes: number | null } | undefined;
    return row?.bytes ?? 0;
  } catch {
    return 0;
  } finally {
    void store.close();
  }
}
