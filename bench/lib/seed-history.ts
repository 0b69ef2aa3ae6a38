import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { SqliteStore } from "../../lib/server/store/sqlite-store";
import type { HistoryBatch } from "../../lib/server/store/types";
import type { ChatMessage, User } from "../../lib/shared/protocol";
import { archiveMessageId } from "./flood-table";
import { Target } from "./targets";
import { BENCH_ROOM, type TargetKind } from "./wire";

const BATCH = 50_000;

/** Imports `count` messages made by `make(seq)` through the store's bulk import, in batches. */
async function seedThroughStore(
  file: string,
  users: User[],
  count: number,
  make: (seq: number) => ChatMessage,
): Promise<void> {
  const store = new SqliteStore(file);
  try {
    function* batches(): Generator<HistoryBatch> {
      yield { users };
      for (let from = 1; from <= count; from += BATCH) {
        const messages: ChatMessage[] = [];
        for (let seq = from; seq < from + BATCH && seq <= count; seq++) messages.push(make(seq));
        yield { messages };
      }
    }
    await store.importHistory(batches());
  } finally {
    await store.close();
  }
}

/** A message as the bench seeds it: its only change was its creation (rev = seq). */
function seeded(
  room: string,
  seq: number,
  author: User,
  text: string,
  createdAt: number,
  id: string = randomUUID(),
): ChatMessage {
  return {
    id,
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

/**
 * Writes `count` messages into the bench room of a new Scrollback SQLite
 * database through the store's bulk import, as if people had chatted there
 * (100 authors, texts of the length the load uses): preparation, not
 * measurement, so in large batches.
 */
export async function seedScrollbackHistory(file: string, count: number): Promise<void> {
  const authors = Array.from({ length: 100 }, (_, i) => ({
    id: randomUUID(),
    name: `Bench Bot ${i}`,
  }));
  const start = Date.now() - count * 1000;
  await seedThroughStore(file, authors, count, (seq) =>
    seeded(
      BENCH_ROOM,
      seq,
      authors[seq % authors.length] as User,
      seededText(seq),
      start + seq * 1000,
    ),
  );
}

/**
 * Writes `count` messages of `codePoints` three-byte characters each (the
 * longest messages by bytes that most people can type) into `room` of a new
 * Scrollback SQLite database, as the flood matrix's long history.
 */
export async function seedLongMessages(
  file: string,
  room: string,
  count: number,
  codePoints: number,
): Promise<void> {
  const archivist = { id: "archivist", name: "Archivist" };
  const text = "語".repeat(codePoints);
  const start = Date.now() - count * 1000;
  await seedThroughStore(file, [archivist], count, (seq) =>
    seeded(room, seq, archivist, text, start + seq * 1000, archiveMessageId(seq)),
  );
}

/** The same text the naive server seeds its list with, so both histories weigh the same. */
export function seededText(seq: number): string {
  return `seeded message ${seq} ${"lorem ipsum ".repeat(4)}`;
}

/**
 * Starts a server whose bench room already holds `messages`: Scrollback on a
 * SQLite file seeded in `workDir`, the naive server with its list filled.
 */
export async function startHoldingHistory(
  kind: TargetKind,
  messages: number,
  workDir: string,
  scrollbackEntry: string[] | undefined,
): Promise<Target> {
  if (kind !== "scrollback") return Target.start(kind, { naiveSeedMessages: messages });
  const file = join(workDir, "history.db");
  await seedScrollbackHistory(file, messages);
  return Target.start(kind, {
    ...(scrollbackEntry ? { scrollbackEntry } : {}),
    databaseFile: file,
  });
}
