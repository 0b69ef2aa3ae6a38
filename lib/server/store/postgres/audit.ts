import type { AuditAction, AuditEntry, User } from "../../../shared/protocol";
import { AUDIT_COLUMNS, type AuditRow, toAuditEntry } from "../audit-rows";
import { monotonicTimeOrderedId } from "../time-ordered-id";
import type { AuditStore } from "../types";
import type { PostgresDatabase } from "./database";

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
    return toAuditEntry(rows[0]);
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
    return { entries: rows.slice(0, limit).map(toAuditEntry), hasMore: rows.length > limit };
  }
}
