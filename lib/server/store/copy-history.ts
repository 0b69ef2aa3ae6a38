import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type {
  ChatMessage,
  MemberChangeKind,
  NotificationLevel,
  RoomRole,
  RoomVisibility,
  User,
} from "../../shared/protocol";
import { AUDIT_COLUMNS, type AuditRow, toAuditEntry } from "./audit-rows";
import { copyAccountTables } from "./copy-accounts";
import { PostgresStore } from "./postgres-store";
import { type MessageRow as SqliteMessage, toMessage } from "./sqlite/message-rows";
import { toUpload, UPLOAD_COLUMNS, type UploadRow } from "./sqlite/uploads";
import { accountsDatabasePath } from "./sqlite-auth-migrations";
import type {
  ChatStore,
  HistoryBatch,
  StoredInvite,
  StoredMembership,
  StoredReaction,
  StoredRoomRecord,
  StoredUpload,
} from "./types";

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
    // Whom each message names comes along (schema 11 on); the target rebuilds its message_mentions from it.
    const mentions = has("messages", "mentions")
      ? "mentions, mentions_all"
      : "NULL AS mentions, NULL AS mentions_all";
    // What each message shows of its files (schema 13 on).
    const attachments = has("messages", "attachments") ? "attachments" : "NULL AS attachments";
    const columns = changeLog
      ? `room, seq, id, client_id, author_id, author_name, text, created_at, rev, edited_at, deleted, reply_to_id, reply_to_seq, reactions, ${moderation}, ${mentions}, ${attachments}`
      : "room, seq, id, client_id, author_id, author_name, text, created_at, seq AS rev, NULL AS edited_at, 0 AS deleted, NULL AS reply_to_id, NULL AS reply_to_seq, NULL AS reactions, 0 AS removed_by_moderator, NULL AS mentions, NULL AS mentions_all, NULL AS attachments";
    const rows = source
      .prepare(`SELECT ${columns} FROM messages ORDER BY room, seq`)
      .iterate() as IterableIterator<SqliteMessage>;
    const rooms = (source.prepare("SELECT count(*) AS n FROM rooms").get() as { n: number }).n;
    // Rooms that belong to people (schema 9 on): their settings, members,
    // invites, audit log and direct pairings come along, or private rooms
    // would arrive public. A database from before has none of them.
    const settings = has("rooms", "visibility") ? readRoomsOf(source) : {};

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
      yield { reactions, ...settings };
      // Uploads' rows (schema 13 on), so that the moved messages' files stay readable.
      if (has("uploads")) {
        let uploads: StoredUpload[] = [];
        for (const row of source
          .prepare(`SELECT ${UPLOAD_COLUMNS} FROM uploads ORDER BY id`)
          .iterate() as IterableIterator<UploadRow>) {
          uploads.push(toUpload(row));
          if (uploads.length < BATCH_ROWS) continue;
          yield { uploads };
          uploads = [];
        }
        if (uploads.length > 0) yield { uploads };
      }
    }
    await target.messages.importHistory(batches());
    await copyNotifications(source, target);
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

/** Rooms' settings and what belongs to them, read from a SQLite file of schema 9 or later. */
function readRoomsOf(source: Database.Database): HistoryBatch {
  const rooms = source
    .prepare<
      [],
      {
        name: string;
        latest_seq: number;
        latest_rev: number;
        last_message_at: number;
        visibility: RoomVisibility;
        topic: string;
        owner_id: string | null;
        created_at: number;
      }
    >(
      "SELECT name, latest_seq, latest_rev, last_message_at, visibility, topic, owner_id, created_at FROM rooms",
    )
    .all()
    .map(
      (r): StoredRoomRecord => ({
        name: r.name,
        visibility: r.visibility,
        topic: r.topic,
        ownerId: r.owner_id,
        createdAt: new Date(r.created_at),
        latestSeq: r.latest_seq,
        latestRev: r.latest_rev,
        lastMessageAt: new Date(r.last_message_at),
      }),
    );
  const memberships = source
    .prepare<
      [],
      {
        room: string;
        user_id: string;
        role: RoomRole | null;
        banned: number;
        muted_until: number | null;
        joined_at: number;
        rev: number;
        kind: MemberChangeKind;
        by_id: string | null;
        by_name: string | null;
        changed_at: number;
      }
    >(
      "SELECT room, user_id, role, banned, muted_until, joined_at, rev, kind, by_id, by_name, changed_at FROM room_members",
    )
    .all()
    .map(
      (m): StoredMembership => ({
        room: m.room,
        userId: m.user_id,
        role: m.role,
        banned: m.banned !== 0,
        mutedUntil: m.muted_until,
        joinedAt: new Date(m.joined_at),
        rev: m.rev,
        kind: m.kind,
        by: m.by_id === null ? null : { id: m.by_id, name: m.by_name ?? m.by_id },
        changedAt: new Date(m.changed_at),
      }),
    );
  const invites = source
    .prepare<
      [],
      {
        id: string;
        room: string;
        token_hash: string;
        created_by_id: string;
        created_by_name: string;
        expires_at: number;
        max_uses: number | null;
        uses: number;
        revoked: number;
        created_at: number;
      }
    >(
      "SELECT id, room, token_hash, created_by_id, created_by_name, expires_at, max_uses, uses, revoked, created_at FROM invites",
    )
    .all()
    .map(
      (i): StoredInvite => ({
        id: i.id,
        room: i.room,
        tokenHash: i.token_hash,
        createdBy: { id: i.created_by_id, name: i.created_by_name },
        expiresAt: new Date(i.expires_at),
        maxUses: i.max_uses,
        uses: i.uses,
        revoked: i.revoked !== 0,
        createdAt: new Date(i.created_at),
      }),
    );
  const audit = source
    .prepare<[], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log`)
    .all()
    .map(toAuditEntry);
  const directRooms = source
    .prepare<[], { userLow: string; userHigh: string; room: string }>(
      "SELECT user_low AS userLow, user_high AS userHigh, room FROM direct_rooms",
    )
    .all();
  return { rooms, memberships, invites, audit, directRooms };
}

/**
 * Notification levels and push subscriptions (schema 12 on), written after
 * the history through the target's own upserts: running the copy again
 * writes the same rows. Claims stay behind: they are about messages already
 * notified, and a claim missing only lets an edit notify once more.
 */
export async function copyNotifications(
  source: Database.Database,
  target: Pick<ChatStore, "notifications">,
): Promise<{ levels: number; subscriptions: number }> {
  const exists = (table: string) =>
    source.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !==
    undefined;
  if (!exists("notification_levels")) return { levels: 0, subscriptions: 0 };
  const levels = source.prepare("SELECT user_id, room, level FROM notification_levels").all() as {
    user_id: string;
    room: string;
    level: NotificationLevel;
  }[];
  for (const row of levels) await target.notifications.setLevel(row.user_id, row.room, row.level);
  const subscriptions = source
    .prepare("SELECT endpoint, user_id, p256dh, auth, previews FROM push_subscriptions")
    .all() as {
    endpoint: string;
    user_id: string;
    p256dh: string;
    auth: string;
    previews: number;
  }[];
  for (const row of subscriptions)
    await target.notifications.subscribe({
      endpoint: row.endpoint,
      userId: row.user_id,
      p256dh: row.p256dh,
      auth: row.auth,
      previews: row.previews === 1,
    });
  return { levels: levels.length, subscriptions: subscriptions.length };
}
