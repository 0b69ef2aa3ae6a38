import type { NewUpload, StoredUpload, UploadStore } from "../types";
import type { PostgresDatabase } from "./database";

/** An upload as Postgres's uploads table returns it (postgres-migrations.ts, version 13; bigints as strings). */
export type UploadRow = {
  id: string;
  uploader_id: string;
  address: string;
  name: string;
  size: string;
  type: string;
  content_key: string;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  variants: string[];
  created_at: Date;
  message_id: string | null;
  room: string | null;
  released: boolean;
};

export const UPLOAD_COLUMNS =
  "id, uploader_id, address, name, size, type, content_key, width, height, placeholder, variants, created_at, message_id, room, released";

export function toUpload(row: UploadRow): StoredUpload {
  return {
    id: row.id,
    uploaderId: row.uploader_id,
    address: row.address,
    name: row.name,
    size: Number(row.size),
    type: row.type,
    contentKey: row.content_key,
    width: row.width,
    height: row.height,
    placeholder: row.placeholder,
    variants: row.variants,
    createdAt: row.created_at,
    messageId: row.message_id,
    room: row.room,
    released: row.released,
  };
}

/** The values of one row, in UPLOAD_COLUMNS' order (for add and the copy tool). */
export function uploadValues(upload: StoredUpload): unknown[] {
  return [
    upload.id,
    upload.uploaderId,
    upload.address,
    upload.name,
    upload.size,
    upload.type,
    upload.contentKey,
    upload.width,
    upload.height,
    upload.placeholder,
    JSON.stringify(upload.variants),
    upload.createdAt,
    upload.messageId,
    upload.room,
    upload.released,
  ];
}

/** Uploads' records; attaching and releasing happen in messages.ts, in the message's transaction. */
export class PostgresUploads implements UploadStore {
  constructor(private readonly database: PostgresDatabase) {}

  async add(upload: NewUpload): Promise<void> {
    await this.database.query(
      `INSERT INTO uploads (${UPLOAD_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      uploadValues({ ...upload, messageId: null, room: null, released: false }),
      "write",
    );
  }

  async find(id: string): Promise<StoredUpload | null> {
    const rows = await this.database.query<UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = $1`,
      [id],
    );
    return rows[0] ? toUpload(rows[0]) : null;
  }

  async usage(
    by: { uploaderId: string } | { address: string },
    since: Date,
  ): Promise<{ bytes: number; files: number }> {
    const [column, value] =
      "uploaderId" in by ? ["uploader_id", by.uploaderId] : ["address", by.address];
    const rows = await this.database.query<{ bytes: string; files: string }>(
      `SELECT coalesce(sum(size), 0) AS bytes, count(*) AS files FROM uploads
       WHERE ${column} = $1 AND created_at >= $2`,
      [value, since],
    );
    return { bytes: Number(rows[0]?.bytes ?? 0), files: Number(rows[0]?.files ?? 0) };
  }

  async releasable(unattachedBefore: Date, limit: number): Promise<StoredUpload[]> {
    // Two index ranges, each cut at `limit`, then merged: never attached and
    // old, or released (a released upload is attached, so none is in both).
    const rows = await this.database.query<UploadRow>(
      `SELECT * FROM (
         (SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE message_id IS NULL AND created_at < $1
          ORDER BY created_at LIMIT $2)
         UNION ALL
         (SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE released ORDER BY created_at LIMIT $2)
       ) found ORDER BY created_at, id LIMIT $2`,
      [unattachedBefore, limit],
    );
    return rows.map(toUpload);
  }

  forget(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.database.run("write", () =>
      this.database.inTransaction(async (client) => {
        const removed = await client.query<{ content_key: string }>(
          // Never a row a standing message holds: one attached since the sweeper
          // asked stays (the append holds its rows' locks; this re-checks after them).
          "DELETE FROM uploads WHERE id = ANY($1::text[]) AND (message_id IS NULL OR released) RETURNING content_key",
          [[...ids]],
        );
        const keys = [...new Set(removed.rows.map((row) => row.content_key))];
        if (keys.length === 0) return [];
        // Two uploads of the same bytes share a key: it goes with the last of them.
        const kept = await client.query<{ content_key: string }>(
          "SELECT DISTINCT content_key FROM uploads WHERE content_key = ANY($1::text[])",
          [keys],
        );
        const stillUsed = new Set(kept.rows.map((row) => row.content_key));
        return keys.filter((key) => !stillUsed.has(key));
      }),
    );
  }

  async contentKeys(after: string, limit: number): Promise<string[]> {
    // COLLATE "C": byte order, as SQLite and the storage listing compare keys.
    const rows = await this.database.query<{ content_key: string }>(
      `SELECT DISTINCT content_key COLLATE "C" AS content_key FROM uploads
       WHERE content_key COLLATE "C" > $1 ORDER BY 1 LIMIT $2`,
      [after, limit],
    );
    return rows.map((row) => row.content_key);
  }
}
