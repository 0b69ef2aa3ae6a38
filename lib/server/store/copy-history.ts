import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type { ChatMessage, User } from "../../shared/protocol";
import { copyAccountTables } from "./copy-accounts";
import { PostgresStore } from "./postgres-store";
import { type MessageRow as SqliteMessage, toMessage } from "./sqlite/message-rows";
import { accountsDatabasePath } from "./sqlite-auth-migrations";
import type { HistoryBatch, StoredReaction } from "./types";

export type CopyReport = { users: number; messages: number; rooms: number; accounts: number };

/** Messages per batch handed to the target store. */
const BATCH_ROWS = 2_000;

/**
 * Copies a SQLite history into Postgres as it is — same ids, seqs, revs,
 * clientIds, authors, times, edits, tombstones, replies and reactions — so
 * clients that hold seqs and revs keep working after the move. The source is
 * only read (a file from before the change log reads as rev = seq, which is
 * what its migration would make); the target is written through the store's
 * `importHistory`, in one Postgres transaction: a failure leaves it
 * untouched, and running it again skips what is already there. The target
 * must not hold different messages for the same rooms; the copy refuses
 * rather than mix them.
 */
export async function copySqliteToPostgres(
  sqlitePath: string,
  postgresUrl: string,
  onProgress: (copied: number, total: number) => void = () => {},
): Promise<CopyReport> {
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const target = await PostgresStore.open(postgresUrl, { poolSize: 1 });
  try {
    const has = (table: string, column?: string) =>
      column === undefined
        ? source
            .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
            .get(table) !== undefined
        : source
            .prepare<[string, string], { n: number }>(
              "SELECT count(*) AS n FROM pragma_table_info(?) WHERE name = ?",
            )
            .get(table, column)?.n === 1;
    const changeLog = has("messages", "rev");
    const total = (source.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n;
    const users = source.prepare("SELECT id, name FROM users").all() as User[];
    // Revocations come along, and never go backwards. A database from before revocations has none.
    const generations = has("credential_generations")
      ? (source
          .prepare("SELECT user_id AS userId, generation FROM credential_generations")
          .all() as { userId: string; generation: number }[])
      : [];
    const reactions = has("reactions")
      ? (source
          .prepare("SELECT room, seq, emoji, user_id AS userId, rev FROM reactions")
          .all() as StoredReaction[])
      : [];
    const moderation = has("messages", "removed_by_moderator")
      ? "removed_by_moderator"
      : "0 AS removed_by_moderator";
    const columns = changeLog
      ? `room, seq, id, client_id, author_id, author_name, text, created_at, rev, edited_at, deleted, reply_to_id, reply_to_seq, reactions, ${moderation}`
      : "room, seq, id, client_id, author_id, author_name, text, created_at, seq AS rev, NULL AS edited_at, 0 AS deleted, NULL AS reply_to_id, NULL AS reply_to_seq, NULL AS reactions, 0 AS removed_by_moderator";
    const rows = source
      .prepare(`SELECT ${columns} FROM messages ORDER BY room, seq`)
      .iterate() as IterableIterator<SqliteMessage>;
    const rooms = (source.prepare("SELECT count(*) AS n FROM rooms").get() as { n: number }).n;

    let copied = 0;
    function* batches(): Generator<HistoryBatch> {
      yield { users, credentialGenerations: generations };
      let batch: ChatMessage[] = [];
      for (const row of rows) {
        batch.push(toMessage(row));
        if (batch.length < BATCH_ROWS) continue;
        yield { messages: batch };
        copied += batch.length;
        onProgress(copied, total);
        batch = [];
      }
      if (batch.length > 0) {
        yield { messages: batch };
        copied += batch.length;
        onProgress(copied, total);
      }
      yield { reactions };
    }
    await target.messages.importHistory(batches());
    // Accounts after the history: a failure here leaves a history that a
    // second run completes (both copies skip what is already there).
    const accountsPath = accountsDatabasePath(sqlitePath);
    const accountsSource = existsSync(accountsPath)
      ? new Database(accountsPath, { readonly: true, fileMustExist: true })
      : null;
    let accounts: number;
    try {
      accounts = await copyAccountTables({ chat: source, accounts: accountsSource }, postgresUrl);
    } finally {
      accountsSource?.close();
    }
    return { users: users.length, messages: total, rooms, accounts };
  } finally {
    source.close();
    await target.close();
  }
}
