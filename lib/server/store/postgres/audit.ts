import type { AuditAction, AuditEntry, User } from "../../../shared/protocol";
import { monotonicTimeOrderedId } from "../time-ordered-id";
import type { AuditStore } from "../types";
import type { PostgresDatabase } from "./database";

type AuditRow = {
  id: string;
  room: string;
  action: AuditAction;
  actor_id: string;
  actor_name: string;
  target_id: string | null;
  target_name: string | null;
  message_id: string | null;
  message_seq: string | null;
  detail: string;
  at: Date;
};

const AUDIT_COLUMNS =
  "id, room, action, actor_id, actor_name, target_id, target_name, message_id, message_seq, detail, at";

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    room: row.room,
    action: row.action,
    actor: { id: row.actor_id, name: row.actor_name },
    target:
      row.target_id === null ? null : { id: row.target_id, name: row.target_name ?? row.target_id },
    message:
      row.message_id === null || row.message_seq === null
        ? null
        : { id: row.message_id, seq: Number(row.message_seq) },
    detail: row.detail,
    at: row.at.toISOString(),
  };
}

/**
 * The audit log. Names are kept as they were when the entry was written:
 * the log says who did what under the names they had then. Ids are
 * time-ordered, so entries of several instances interleave by time.
 */
export class PostgresAudit implements AuditStore {
  constructor(private readonly database: PostgresDatabase) {}

  async record(entry: {
    room: string;
    action: AuditAction;
    actor: User;
    target: User | null;
    message: { id: string; seq: number } | null;
    detail: string;
  }): Promise<AuditEntry> {
    const rows = await this.database.query<AuditRow>(
      `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, clock_timestamp())
       RETURNING ${AUDIT_COLUMNS}`,
      [
        monotonicTimeOrderedId(),
        entry.room,
        entry.action,
        entry.actor.id,
        entry.actor.name,
        entry.target?.id ?? null,
        entry.target?.name ?? null,
        entry.message?.id ?? null,
        entry.message?.seq ?? null,
        entry.detail,
      ],
      "write",
    );
    if (!rows[0]) throw new Error("recorded audit entry was not returned");
    return toEntry(rows[0]);
  }

  async list(
    room: string,
    before: string | undefined,
    limit: number,
  ): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
    const rows = await this.database.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log
       WHERE room = $1 AND ($2::text IS NULL OR id < $2)
       ORDER BY id DESC LIMIT $3`,
      [room, before ?? null, limit + 1],
    );
    return { entries: rows.slice(0, limit).map(toEntry), hasMore: rows.length > limit };
  }
}
