import type { AuditAction, AuditEntry } from "../../shared/protocol";

/**
 * An audit_log row as either engine returns it: SQLite keeps times as epoch
 * ms, Postgres as timestamptz (a Date), and bigint seqs as strings.
 */
export type AuditRow = {
  id: string;
  room: string;
  action: AuditAction;
  actor_id: string;
  actor_name: string;
  target_id: string | null;
  target_name: string | null;
  message_id: string | null;
  message_seq: number | string | null;
  detail: string;
  at: number | Date;
};

export const AUDIT_COLUMNS =
  "id, room, action, actor_id, actor_name, target_id, target_name, message_id, message_seq, detail, at";

/** One entry of the log, as `audit:list` answers it (names as they were when it was written). */
export function toAuditEntry(row: AuditRow): AuditEntry {
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
    at: new Date(row.at).toISOString(),
  };
}
