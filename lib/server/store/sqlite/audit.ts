import type Database from "better-sqlite3";
import type { AuditAction, AuditEntry, User } from "../../../shared/protocol";
import { AUDIT_COLUMNS, type AuditRow, toAuditEntry } from "../audit-rows";
import { monotonicTimeOrderedId } from "../time-ordered-id";
import type { AuditStore } from "../types";
import type { SqliteDatabase } from "./database";

function prepare(db: Database.Database) {
  return {
    insert: db.prepare<AuditRow>(
      `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (@id, @room, @action, @actor_id, @actor_name,
         @target_id, @target_name, @message_id, @message_seq, @detail, @at)`,
    ),
    newest: db.prepare<[string, number], AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE room = ? ORDER BY id DESC LIMIT ?`,
    ),
    before: db.prepare<[string, string, number], AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?`,
    ),
  };
}

/**
 * The audit log. Names are kept as they were when the entry was written:
 * the log says who did what under the names they had then.
 */
export class SqliteAudit implements AuditStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepare(database.db);
  }

  record(entry: {
    room: string;
    action: AuditAction;
    actor: User;
    target: User | null;
    message: { id: string; seq: number } | null;
    detail: string;
  }): Promise<AuditEntry> {
    return this.database.write(() => {
      const at = Date.now();
      const row: AuditRow = {
        id: monotonicTimeOrderedId(at),
        room: entry.room,
        action: entry.action,
        actor_id: entry.actor.id,
        actor_name: entry.actor.name,
        target_id: entry.target?.id ?? null,
        target_name: entry.target?.name ?? null,
        message_id: entry.message?.id ?? null,
        message_seq: entry.message?.seq ?? null,
        detail: entry.detail,
        at,
      };
      this.statements.insert.run(row);
      return toAuditEntry(row);
    });
  }

  async list(
    room: string,
    before: string | undefined,
    limit: number,
  ): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
    const rows = this.database.read(() =>
      before === undefined
        ? this.statements.newest.all(room, limit + 1)
        : this.statements.before.all(room, before, limit + 1),
    );
    return { entries: rows.slice(0, limit).map(toAuditEntry), hasMore: rows.length > limit };
  }
}
