import type Database from "better-sqlite3";
import type { NewUpload, StoredUpload, UploadStore } from "../types";
import type { SqliteDatabase } from "./database";

/** An upload as SQLite's uploads table holds it (sqlite-migrations.ts, version 13). */
export type UploadRow = {
  id: string;
  uploader_id: string;
  address: string;
  name: string;
  size: number;
  type: string;
  content_key: string;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  variants: string;
  created_at: number;
  message_id: string | null;
  room: string | null;
  released: number;
};

export const UPLOAD_COLUMNS =
  "id, uploader_id, address, name, size, type, content_key, width, height, placeholder, variants, created_at, message_id, room, released";

export function toUpload(row: UploadRow): StoredUpload {
  return {
    id: row.id,
    uploaderId: row.uploader_id,
    address: row.address,
    name: row.name,
    size: row.size,
    type: row.type,
    contentKey: row.content_key,
    width: row.width,
    height: row.height,
    placeholder: row.placeholder,
    variants: JSON.parse(row.variants) as string[],
    createdAt: new Date(row.created_at),
    messageId: row.message_id,
    room: row.room,
    released: row.released !== 0,
  };
}

export function toUploadRow(upload: StoredUpload): UploadRow {
  return {
    id: upload.id,
    uploader_id: upload.uploaderId,
    address: upload.address,
    name: upload.name,
    size: upload.size,
    type: upload.type,
    content_key: upload.contentKey,
    width: upload.width,
    height: upload.height,
    placeholder: upload.placeholder,
    variants: JSON.stringify(upload.variants),
    created_at: upload.createdAt.getTime(),
    message_id: upload.messageId,
    room: upload.room,
    released: upload.released ? 1 : 0,
  };
}

type Usage = { bytes: number; files: number };

/** Statements messages.ts and rooms.ts use inside their own transactions. */
export function prepareUploadWrites(db: Database.Database) {
  return {
    uploadById: db.prepare<[string], UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = ?`,
    ),
    attachUpload: db.prepare<[string, string, string]>(
      "UPDATE uploads SET message_id = ?, room = ? WHERE id = ? AND message_id IS NULL AND released = 0",
    ),
    releaseOfMessage: db.prepare<[string]>("UPDATE uploads SET released = 1 WHERE message_id = ?"),
    releaseOfRoom: db.prepare<[string]>("UPDATE uploads SET released = 1 WHERE room = ?"),
    importUpload: db.prepare(
      `INSERT INTO uploads (${UPLOAD_COLUMNS}) VALUES (@id, @uploader_id, @address, @name, @size, @type, @content_key, @width, @height, @placeholder, @variants, @created_at, @message_id, @room, @released)
       ON CONFLICT (id) DO NOTHING`,
    ),
  };
}

function prepare(db: Database.Database) {
  return {
    ...prepareUploadWrites(db),
    // Ids are the server's UUIDs: the same one twice is a bug, refused as on Postgres.
    addUpload: db.prepare(
      `INSERT INTO uploads (${UPLOAD_COLUMNS}) VALUES (@id, @uploader_id, @address, @name, @size, @type, @content_key, @width, @height, @placeholder, @variants, @created_at, @message_id, @room, @released)`,
    ),
    usageByUploader: db.prepare<[string, number], Usage>(
      "SELECT coalesce(sum(size), 0) AS bytes, count(*) AS files FROM uploads WHERE uploader_id = ? AND created_at >= ?",
    ),
    usageByAddress: db.prepare<[string, number], Usage>(
      "SELECT coalesce(sum(size), 0) AS bytes, count(*) AS files FROM uploads WHERE address = ? AND created_at >= ?",
    ),
    // Two index ranges, merged by the caller: never attached and old, or released.
    unattachedBefore: db.prepare<[number, number], UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE message_id IS NULL AND created_at < ? ORDER BY created_at LIMIT ?`,
    ),
    released: db.prepare<[number], UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE released = 1 ORDER BY created_at LIMIT ?`,
    ),
    // Never a row a standing message holds: one attached since the sweeper asked stays.
    contentKeyOf: db.prepare<[string], { content_key: string }>(
      "SELECT content_key FROM uploads WHERE id = ? AND (message_id IS NULL OR released = 1)",
    ),
    remove: db.prepare<[string]>("DELETE FROM uploads WHERE id = ?"),
    keyInUse: db.prepare<[string], { one: number }>(
      "SELECT 1 AS one FROM uploads WHERE content_key = ? LIMIT 1",
    ),
    contentKeys: db.prepare<[string, number], { content_key: string }>(
      "SELECT DISTINCT content_key FROM uploads WHERE content_key > ? ORDER BY content_key LIMIT ?",
    ),
  };
}

/** Uploads' records, written through the shared group commit. */
export class SqliteUploads implements UploadStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepare(database.db);
  }

  add(upload: NewUpload): Promise<void> {
    const row = toUploadRow({ ...upload, messageId: null, room: null, released: false });
    return this.database.write(() => {
      this.statements.addUpload.run(row);
    });
  }

  async find(id: string): Promise<StoredUpload | null> {
    const row = this.database.read(() => this.statements.uploadById.get(id));
    return row ? toUpload(row) : null;
  }

  async usage(by: { uploaderId: string } | { address: string }, since: Date): Promise<Usage> {
    const s = this.statements;
    const row = this.database.read(() =>
      "uploaderId" in by
        ? s.usageByUploader.get(by.uploaderId, since.getTime())
        : s.usageByAddress.get(by.address, since.getTime()),
    );
    return { bytes: row?.bytes ?? 0, files: row?.files ?? 0 };
  }

  async releasable(unattachedBefore: Date, limit: number): Promise<StoredUpload[]> {
    const rows = this.database.read(() => [
      ...this.statements.unattachedBefore.all(unattachedBefore.getTime(), limit),
      ...this.statements.released.all(limit),
    ]);
    // A released upload is also attached, so the two lists never share a row.
    return rows
      .sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map(toUpload);
  }

  forget(ids: readonly string[]): Promise<string[]> {
    const s = this.statements;
    return this.database.write(() => {
      const keys = new Set<string>();
      for (const id of ids) {
        const key = s.contentKeyOf.get(id)?.content_key;
        if (key === undefined) continue;
        keys.add(key);
        s.remove.run(id);
      }
      // A deleted message's file names go from the log as its text does.
      if (keys.size > 0) this.database.scrubAfterThisCommit();
      // Two uploads of the same bytes share a key: it goes with the last of them.
      return [...keys].filter((key) => s.keyInUse.get(key) === undefined);
    });
  }

  async contentKeys(after: string, limit: number): Promise<string[]> {
    return this.database.read(() =>
      this.statements.contentKeys.all(after, limit).map((row) => row.content_key),
    );
  }
}
