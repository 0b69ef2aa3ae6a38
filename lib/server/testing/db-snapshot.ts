import Database from "better-sqlite3";

export type StoredMessage = {
  id: string;
  room: string;
  seq: number;
  client_id: string;
  author_id: string;
  author_name: string;
  text: string;
};
export type StoredUser = { id: string; name: string };
export type DbSnapshot = {
  messages: StoredMessage[];
  rooms: { name: string; latest_seq: number }[];
  users: StoredUser[];
};

/**
 * Everything the database holds, read through a connection of its own (WAL
 * lets it read beside the server's), so a test sees what was committed
 * rather than what the server's API chooses to report.
 */
export function readDb(path: string): DbSnapshot {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      messages: db
        .prepare<[], StoredMessage>(
          "SELECT id, room, seq, client_id, author_id, author_name, text FROM messages ORDER BY room, seq",
        )
        .all(),
      rooms: db
        .prepare<[], { name: string; latest_seq: number }>(
          "SELECT name, latest_seq FROM rooms ORDER BY name",
        )
        .all(),
      users: db.prepare<[], StoredUser>("SELECT id, name FROM users ORDER BY id").all(),
    };
  } finally {
    db.close();
  }
}

/** What `after` holds that `before` did not; rows are compared whole. */
export function added<T>(before: readonly T[], after: readonly T[]): T[] {
  const seen = new Set(before.map((row) => JSON.stringify(row)));
  return after.filter((row) => !seen.has(JSON.stringify(row)));
}
