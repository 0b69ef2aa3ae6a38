import type pg from "pg";
import type {
  Attachment,
  ChangesPage,
  ChatMessage,
  Page,
  ReactionUsersResult,
  SearchHit,
  User,
} from "../../../shared/protocol";
import { attachmentsToHold, encodeAttachments } from "../attachment-rows";
import { takeChanges } from "../changes-page";
import { MEMBER_SELECT, type MemberRow, toMemberChange } from "../member-rows";
import {
  encodeMentions,
  type MessageMentions,
  mentionsOfMessage,
  NEWEST_ID,
  newestFirst,
  newestSeqs,
} from "../mention-rows";
import { countReactions, decideChange, decodeReactions, encodeReactions } from "../message-changes";
import { classifyPostgresError } from "../storage-faults";
import { timeOrderedId } from "../time-ordered-id";
import {
  type AppendResult,
  ChangeRefusedError,
  type ChangeRequest,
  type ChangeResult,
  type HistoryBatch,
  type MessageStore,
  type NewMessage,
  type SearchInput,
} from "../types";
import type { PostgresDatabase } from "./database";
import {
  CHANGES_AFTER,
  MESSAGE_COLUMNS,
  type MessageRow,
  NEWEST_PAGE,
  PAGE_AFTER,
  PAGE_BEFORE,
  toMessage,
  toPage,
} from "./message-rows";
import { searchPostgres } from "./search";
import { toUpload, UPLOAD_COLUMNS, type UploadRow, uploadValues } from "./uploads";

const UNIQUE_VIOLATION = "23505";

/** Rows per INSERT: large enough to be fast, small enough to stay under Postgres's parameter limit. */
const IMPORT_ROWS = 500;

/** One multi-row INSERT: `%VALUES%` becomes ($1, $2, …), ($n+1, …) for the rows given. */
async function insertRows(client: pg.PoolClient, sql: string, rows: unknown[][]): Promise<void> {
  for (let from = 0; from < rows.length; from += IMPORT_ROWS) {
    const slice = rows.slice(from, from + IMPORT_ROWS);
    const width = slice[0]?.length ?? 0;
    const groups = slice.map(
      (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(", ")})`,
    );
    await client.query(sql.replace("%VALUES%", groups.join(", ")), slice.flat());
  }
}

async function importBatch(client: pg.PoolClient, batch: HistoryBatch): Promise<number> {
  await insertRows(
    client,
    "INSERT INTO users (id, name, created_at) VALUES %VALUES% ON CONFLICT (id) DO NOTHING",
    (batch.users ?? []).map((u) => [u.id, u.name, new Date()]),
  );
  // Revocations never go backwards: a credential revoked on either side stays revoked.
  await insertRows(
    client,
    `INSERT INTO credential_generations (user_id, generation, revoked_at) VALUES %VALUES%
     ON CONFLICT (user_id) DO UPDATE SET
       generation = GREATEST(credential_generations.generation, excluded.generation)`,
    (batch.credentialGenerations ?? []).map((g) => [g.userId, g.generation, new Date()]),
  );
  const messages = batch.messages ?? [];
  await insertRows(
    client,
    `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES %VALUES% ON CONFLICT DO NOTHING`,
    messages.map((m) => [
      m.room,
      m.seq,
      m.id,
      m.clientId,
      m.author.id,
      m.author.name,
      m.text,
      new Date(m.createdAt),
      m.rev,
      m.editedAt === null ? null : new Date(m.editedAt),
      m.deleted,
      m.replyTo?.id ?? null,
      m.replyTo?.seq ?? null,
      encodeReactions(m.reactions),
      m.removedByModerator === true,
      encodeMentions(mentionsOfMessage(m)),
      mentionsOfMessage(m).all,
      m.deleted ? null : encodeAttachments(m.attachments),
    ]),
  );
  // Rebuilt from the messages themselves: the copy carries whom each names.
  await insertRows(
    client,
    "INSERT INTO message_mentions (user_id, room, seq, message_id) VALUES %VALUES% ON CONFLICT DO NOTHING",
    messages.flatMap((m) => mentionsOfMessage(m).userIds.map((u) => [u, m.room, m.seq, m.id])),
  );
  // A row skipped on conflict is fine only if it is this very message from an
  // earlier run; other messages at the same seqs mean the target is not a copy.
  for (let from = 0; from < messages.length; from += IMPORT_ROWS) {
    const ids = messages.slice(from, from + IMPORT_ROWS).map((m) => m.id);
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM messages WHERE id = ANY($1::text[])",
      [ids],
    );
    if (Number(rows[0]?.n) !== ids.length)
      throw new Error(
        "the target already holds other messages at the same seqs; nothing was imported",
      );
  }
  await insertRows(
    client,
    "INSERT INTO reactions (room, seq, emoji, user_id, rev) VALUES %VALUES% ON CONFLICT DO NOTHING",
    (batch.reactions ?? []).map((r) => [r.room, r.seq, r.emoji, r.userId, r.rev]),
  );
  const rooms = new Map<string, { seq: number; rev: number; at: number; first: number }>();
  for (const m of messages) {
    const at = Date.parse(m.createdAt);
    const room = rooms.get(m.room) ?? { seq: 0, rev: 0, at: 0, first: at };
    rooms.set(m.room, {
      seq: Math.max(room.seq, m.seq),
      rev: Math.max(room.rev, m.rev),
      at: Math.max(room.at, at),
      first: Math.min(room.first, at),
    });
  }
  // Counters only go up: a room that already has later messages keeps its own.
  await insertRows(
    client,
    `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, created_at) VALUES %VALUES%
     ON CONFLICT (name) DO UPDATE SET latest_seq = GREATEST(rooms.latest_seq, excluded.latest_seq),
       latest_rev = GREATEST(rooms.latest_rev, excluded.latest_rev),
       last_message_at = GREATEST(rooms.last_message_at, excluded.last_message_at),
       created_at = LEAST(rooms.created_at, excluded.created_at)`,
    [...rooms].map(([name, r]) => [name, r.seq, r.rev, new Date(r.at), new Date(r.first)]),
  );
  await importRoomsOf(client, batch);
  return messages.length;
}

/** Rooms' settings, memberships, invites, the audit log and direct pairings, as they are. */
async function importRoomsOf(client: pg.PoolClient, batch: HistoryBatch): Promise<void> {
  // Settings as they are; counters only go up, as for messages.
  await insertRows(
    client,
    `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, visibility, topic, owner_id, created_at)
     VALUES %VALUES%
     ON CONFLICT (name) DO UPDATE SET latest_seq = GREATEST(rooms.latest_seq, excluded.latest_seq),
       latest_rev = GREATEST(rooms.latest_rev, excluded.latest_rev),
       last_message_at = GREATEST(rooms.last_message_at, excluded.last_message_at),
       visibility = excluded.visibility, topic = excluded.topic, owner_id = excluded.owner_id,
       created_at = excluded.created_at`,
    (batch.rooms ?? []).map((r) => [
      r.name,
      r.latestSeq,
      r.latestRev,
      r.lastMessageAt,
      r.visibility,
      r.topic,
      r.ownerId,
      r.createdAt,
    ]),
  );
  await insertRows(
    client,
    `INSERT INTO room_members (room, user_id, role, banned, muted_until, joined_at, rev, kind, by_id, by_name, changed_at)
     VALUES %VALUES% ON CONFLICT (room, user_id) DO NOTHING`,
    (batch.memberships ?? []).map((m) => [
      m.room,
      m.userId,
      m.role,
      m.banned,
      m.mutedUntil === null ? null : new Date(m.mutedUntil),
      m.joinedAt,
      m.rev,
      m.kind,
      m.by?.id ?? null,
      m.by?.name ?? null,
      m.changedAt,
    ]),
  );
  await insertRows(
    client,
    `INSERT INTO invites (id, room, token_hash, created_by_id, created_by_name, expires_at, max_uses, uses, revoked, created_at)
     VALUES %VALUES% ON CONFLICT DO NOTHING`,
    (batch.invites ?? []).map((i) => [
      i.id,
      i.room,
      i.tokenHash,
      i.createdBy.id,
      i.createdBy.name,
      i.expiresAt,
      i.maxUses,
      i.uses,
      i.revoked,
      i.createdAt,
    ]),
  );
  await insertRows(
    client,
    `INSERT INTO audit_log (id, room, action, actor_id, actor_name, target_id, target_name, message_id, message_seq, detail, at)
     VALUES %VALUES% ON CONFLICT DO NOTHING`,
    (batch.audit ?? []).map((a) => [
      a.id,
      a.room,
      a.action,
      a.actor.id,
      a.actor.name,
      a.target?.id ?? null,
      a.target?.name ?? null,
      a.message?.id ?? null,
      a.message?.seq ?? null,
      a.detail,
      new Date(a.at),
    ]),
  );
  await insertRows(
    client,
    "INSERT INTO direct_rooms (user_low, user_high, room) VALUES %VALUES% ON CONFLICT DO NOTHING",
    (batch.directRooms ?? []).map((d) => [d.userLow, d.userHigh, d.room]),
  );
  await insertRows(
    client,
    `INSERT INTO uploads (${UPLOAD_COLUMNS}) VALUES %VALUES% ON CONFLICT (id) DO NOTHING`,
    (batch.uploads ?? []).map(uploadValues),
  );
}

/** message_mentions for one message: its rows replaced by these (none: removed). */
async function writeMentionRows(
  client: pg.PoolClient,
  room: string,
  seq: string | number,
  id: string,
  mentions: MessageMentions | undefined,
): Promise<void> {
  await client.query("DELETE FROM message_mentions WHERE room = $1 AND seq = $2", [room, seq]);
  const ids = mentions?.userIds ?? [];
  if (ids.length === 0) return;
  await client.query(
    `INSERT INTO message_mentions (user_id, room, seq, message_id)
     SELECT unnest($1::text[]), $2, $3, $4 ON CONFLICT DO NOTHING`,
    [ids, room, seq, id],
  );
}

/** A changed message's mentions, in its columns and in message_mentions; resolves with its row. */
async function setMentions(
  client: pg.PoolClient,
  room: string,
  seq: string,
  id: string,
  mentions: MessageMentions | undefined,
): Promise<pg.QueryResult<MessageRow>> {
  await writeMentionRows(client, room, seq, id, mentions);
  return client.query<MessageRow>(
    `UPDATE messages SET mentions = $1, mentions_all = $2 WHERE room = $3 AND seq = $4
     RETURNING ${MESSAGE_COLUMNS}`,
    [encodeMentions(mentions), mentions?.all ?? null, room, seq],
  );
}

/**
 * The uploads a send names, as the message will hold them; null when one may
 * not be attached. Their rows are locked until the append commits: of two
 * sends naming one upload, the second waits, then finds it attached.
 */
async function attachmentsFor(
  client: pg.PoolClient,
  input: NewMessage,
): Promise<Attachment[] | null> {
  const ids = input.attachments ?? [];
  if (ids.length === 0) return [];
  const { rows } = await client.query<UploadRow>(
    `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [[...ids]],
  );
  const found = new Map(rows.map((row) => [row.id, toUpload(row)]));
  return attachmentsToHold(ids, found, input.author.id);
}

const MENTION_COLUMNS = MESSAGE_COLUMNS.split(", ")
  .map((column) => `m.${column}`)
  .join(", ");

/**
 * Messages, their reactions and the room's change log. Each append is one
 * transaction: the room row's `latest_seq` is bumped with
 * `INSERT … ON CONFLICT DO UPDATE`, which locks that row, so concurrent
 * writers to a room (on any instance) take turns and a rolled-back append
 * gives its seq back — sequences stay gap-free. The ack waits for COMMIT.
 */
export class PostgresMessages implements MessageStore {
  constructor(private readonly database: PostgresDatabase) {}

  search(input: SearchInput): Promise<{ hits: SearchHit[]; hasMore: boolean }> {
    return searchPostgres(this.database, input);
  }

  append(input: NewMessage): Promise<AppendResult> {
    return this.database.run("write", async () => {
      try {
        return await this.appendOnce(input);
      } catch (error) {
        // The same clientId sent twice at once: the loser finds the winner's row.
        if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
        return this.appendOnce(input);
      }
    });
  }

  private async appendOnce(input: NewMessage): Promise<AppendResult> {
    const client = await this.database.pool.connect();
    let broken = false;
    try {
      await client.query("BEGIN");
      const existing = await client.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND author_id = $2 AND client_id = $3`,
        [input.room, input.author.id, input.clientId],
      );
      const found = existing.rows[0];
      if (found) {
        await client.query("COMMIT");
        return { message: toMessage(found), duplicate: true };
      }
      let answered: { id: string; seq: string } | undefined;
      if (input.replyTo !== undefined) {
        const found = await client.query<{ id: string; seq: string }>(
          "SELECT id, seq FROM messages WHERE id = $1 AND room = $2",
          [input.replyTo, input.room],
        );
        answered = found.rows[0];
        if (!answered) throw new ChangeRefusedError("not_found");
      }
      const attachments = await attachmentsFor(client, input);
      if (attachments === null) throw new ChangeRefusedError("invalid_attachment");
      // The author's first write makes their row; a rename since then keeps its name.
      await client.query(
        "INSERT INTO users (id, name, created_at) VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING",
        [input.author.id, input.author.name],
      );
      // A room is shared once someone other than its first author writes in it.
      const bumped = await client.query<{ latest_seq: string; latest_rev: string; now: Date }>(
        `WITH t AS (SELECT clock_timestamp() AS now)
         INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared, created_at)
         SELECT $1, 1, 1, t.now, $2, false, t.now FROM t
         ON CONFLICT (name) DO UPDATE SET latest_seq = rooms.latest_seq + 1,
           latest_rev = rooms.latest_rev + 1,
           last_message_at = excluded.last_message_at,
           first_author = coalesce(rooms.first_author, excluded.first_author),
           shared = rooms.shared OR coalesce(rooms.first_author, excluded.first_author) <> excluded.first_author
         RETURNING latest_seq, latest_rev, last_message_at AS now`,
        [input.room, input.author.id],
      );
      const bump = bumped.rows[0];
      if (!bump) throw new Error("room sequence was not returned");
      const inserted = await client.query<MessageRow>(
        `INSERT INTO messages (${MESSAGE_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, false, $10, $11, NULL, false, $12, $13, $14) RETURNING ${MESSAGE_COLUMNS}`,
        [
          input.room,
          bump.latest_seq,
          timeOrderedId(),
          input.clientId,
          input.author.id,
          input.author.name,
          input.text,
          bump.now,
          bump.latest_rev,
          answered?.id ?? null,
          answered?.seq ?? null,
          encodeMentions(input.mentions),
          input.mentions?.all ?? null,
          encodeAttachments(attachments),
        ],
      );
      const row = inserted.rows[0];
      if (!row) throw new Error("inserted message was not returned");
      await writeMentionRows(client, row.room, row.seq, row.id, input.mentions);
      if (attachments.length > 0)
        await client.query(
          "UPDATE uploads SET message_id = $1, room = $2 WHERE id = ANY($3::text[])",
          [row.id, row.room, attachments.map((a) => a.id)],
        );
      await client.query("COMMIT");
      return { message: toMessage(row), duplicate: false };
    } catch (error) {
      broken = classifyPostgresError(error)?.kind === "connection";
      if (!broken) await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      // A connection that failed mid-transaction is discarded rather than reused.
      client.release(broken);
    }
  }

  change(input: ChangeRequest): Promise<ChangeResult> {
    return this.database.run("write", () =>
      this.database.inTransaction((client) => this.changeOnce(client, input)),
    );
  }

  private async changeOnce(
    client: pg.PoolClient,
    { room, id, actor, change }: ChangeRequest,
  ): Promise<ChangeResult> {
    // A reaction is a write: it makes the identity's row, for reaction:users'
    // names — before the room's row is locked, in the order appends take
    // them, so that the person's first message and first reaction at once
    // cannot wait on each other. (A refused change rolls it back; an
    // unchanged one reacted before, so the row was there.)
    if (change.kind === "reaction" && change.added)
      await client.query(
        "INSERT INTO users (id, name, created_at) VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING",
        [actor.id, actor.name],
      );
    // The room's row is locked first, as appends lock it: changes to a room
    // (from any instance) take turns, so each reads the state the previous
    // committed, and a rolled-back change gives its rev back.
    const locked = await client.query("SELECT 1 FROM rooms WHERE name = $1 FOR UPDATE", [room]);
    if (locked.rowCount === 0) throw new ChangeRefusedError("not_found");
    const found = await client.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND room = $2`,
      [id, room],
    );
    const row = found.rows[0];
    if (!row) throw new ChangeRefusedError("not_found");
    const mineOf = async () =>
      (
        await client.query<{ emoji: string }>(
          "SELECT emoji FROM reactions WHERE room = $1 AND seq = $2 AND user_id = $3 ORDER BY rev",
          [room, row.seq, actor.id],
        )
      ).rows.map((r) => r.emoji);
    const mineBefore = await mineOf();
    const reactions = decodeReactions(row.reactions);
    const decision = decideChange(
      {
        authorId: row.author_id,
        text: row.text,
        deleted: row.deleted,
        reactions,
        mine: mineBefore,
      },
      actor.id,
      change,
    );
    if (decision.kind === "refuse") throw new ChangeRefusedError(decision.code);
    if (decision.kind === "unchanged")
      return { message: toMessage(row), changed: false, mine: mineBefore };

    const bumped = await client.query<{ latest_rev: string }>(
      "UPDATE rooms SET latest_rev = latest_rev + 1 WHERE name = $1 RETURNING latest_rev",
      [room],
    );
    const rev = bumped.rows[0]?.latest_rev;
    if (rev === undefined) throw new Error("room rev was not returned");
    let updated: pg.QueryResult<MessageRow>;
    switch (change.kind) {
      case "edit":
        updated = await client.query<MessageRow>(
          `UPDATE messages SET text = $1, edited_at = clock_timestamp(), rev = $2
           WHERE room = $3 AND seq = $4 RETURNING ${MESSAGE_COLUMNS}`,
          [change.text, rev, room, row.seq],
        );
        updated = await setMentions(client, room, row.seq, row.id, change.mentions);
        break;
      case "delete":
        await client.query("DELETE FROM reactions WHERE room = $1 AND seq = $2", [room, row.seq]);
        updated = await client.query<MessageRow>(
          // Marked only when someone other than the author removed it.
          `UPDATE messages SET text = '', deleted = true, reactions = NULL, attachments = NULL, rev = $1, removed_by_moderator = $4
           WHERE room = $2 AND seq = $3 RETURNING ${MESSAGE_COLUMNS}`,
          [rev, room, row.seq, change.byModerator === true && actor.id !== row.author_id],
        );
        updated = await setMentions(client, room, row.seq, row.id, undefined);
        // Nobody may read its files any more; the file sweeper removes their bytes.
        await client.query("UPDATE uploads SET released = true WHERE message_id = $1", [row.id]);
        break;
      case "reaction":
        if (change.added) {
          await client.query(
            "INSERT INTO reactions (room, seq, emoji, user_id, rev) VALUES ($1, $2, $3, $4, $5)",
            [room, row.seq, change.emoji, actor.id, rev],
          );
        } else {
          await client.query(
            "DELETE FROM reactions WHERE room = $1 AND seq = $2 AND emoji = $3 AND user_id = $4",
            [room, row.seq, change.emoji, actor.id],
          );
        }
        updated = await client.query<MessageRow>(
          `UPDATE messages SET reactions = $1, rev = $2
           WHERE room = $3 AND seq = $4 RETURNING ${MESSAGE_COLUMNS}`,
          [
            encodeReactions(countReactions(reactions, change.emoji, change.added)),
            rev,
            room,
            row.seq,
          ],
        );
        break;
    }
    const changed = updated.rows[0];
    if (!changed) throw new Error("changed message was not returned");
    const released = change.kind === "delete" && row.attachments !== null;
    return {
      message: toMessage(changed),
      changed: true,
      mine: await mineOf(),
      ...(released ? { releasedFiles: true as const } : {}),
    };
  }

  importHistory(
    batches: Iterable<HistoryBatch> | AsyncIterable<HistoryBatch>,
  ): Promise<{ messages: number }> {
    return this.database.run("write", () =>
      this.database.inTransaction(async (client) => {
        let messages = 0;
        const rooms = new Set<string>();
        for await (const batch of batches) {
          messages += await importBatch(client, batch);
          for (const message of batch.messages ?? []) rooms.add(message.room);
        }
        // As migration 4 derives them: seq 1's author, and whether anyone else wrote.
        await client.query(
          `UPDATE rooms SET first_author = (SELECT author_id FROM messages WHERE room = rooms.name AND seq = 1)
           WHERE name = ANY($1::text[])`,
          [[...rooms]],
        );
        await client.query(
          `UPDATE rooms SET shared = EXISTS (
             SELECT 1 FROM messages WHERE room = rooms.name AND author_id <> rooms.first_author
           ) WHERE name = ANY($1::text[])`,
          [[...rooms]],
        );
        return { messages };
      }),
    );
  }

  async changesAfter(room: string, after: number, limit: number): Promise<ChangesPage> {
    // Messages, memberships and the counter from one snapshot: a change
    // commits with the room row's latest_rev, so the snapshot holds every
    // change up to latestRev, and none of one kind is missed for having
    // committed between the reads of the other.
    return this.database.run("read", () =>
      this.database.inTransaction(async (client) => {
        await client.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        const counter = await client.query<{ latest_rev: string }>(
          "SELECT latest_rev FROM rooms WHERE name = $1",
          [room],
        );
        const messages = await client.query<MessageRow>(CHANGES_AFTER, [room, after, limit + 1]);
        const members = await client.query<MemberRow>(
          `${MEMBER_SELECT} WHERE m.room = $1 AND m.rev > $2 ORDER BY m.rev ASC LIMIT $3`,
          [room, after, limit + 1],
        );
        const page = takeChanges(
          messages.rows.map(toMessage),
          members.rows.map(toMemberChange),
          limit,
        );
        return { ...page, latestRev: Number(counter.rows[0]?.latest_rev ?? 0) };
      }),
    );
  }

  async reactionUsers(
    room: string,
    id: string,
    emoji: string,
    limit: number,
  ): Promise<ReactionUsersResult> {
    const found = await this.database.query<{ seq: string }>(
      "SELECT seq FROM messages WHERE id = $1 AND room = $2",
      [id, room],
    );
    const seq = found[0]?.seq;
    if (seq === undefined) throw new ChangeRefusedError("not_found");
    const [users, counted] = await Promise.all([
      this.database.query<User>(
        `SELECT r.user_id AS id, coalesce(u.name, r.user_id) AS name
         FROM reactions r LEFT JOIN users u ON u.id = r.user_id
         WHERE r.room = $1 AND r.seq = $2 AND r.emoji = $3 ORDER BY r.rev LIMIT $4`,
        [room, seq, emoji, limit],
      ),
      this.database.query<{ count: string }>(
        "SELECT count(*) AS count FROM reactions WHERE room = $1 AND seq = $2 AND emoji = $3",
        [room, seq, emoji],
      ),
    ]);
    return { users, count: Number(counted[0]?.count ?? 0) };
  }

  async ownReactions(
    room: string,
    userId: string,
    messages: readonly ChatMessage[],
  ): Promise<Map<string, string[]>> {
    const own = new Map<string, string[]>();
    const reacted = messages.filter((message) => message.reactions.length > 0);
    if (reacted.length === 0) return own;
    const idBySeq = new Map(reacted.map((message) => [message.seq, message.id]));
    const rows = await this.database.query<{ seq: string; emoji: string }>(
      "SELECT seq, emoji FROM reactions WHERE room = $1 AND user_id = $2 AND seq = ANY($3::bigint[]) ORDER BY rev",
      [room, userId, [...idBySeq.keys()]],
    );
    for (const row of rows) {
      const id = idBySeq.get(Number(row.seq));
      if (id === undefined) continue;
      own.set(id, [...(own.get(id) ?? []), row.emoji]);
    }
    return own;
  }

  async mentionsOf(userId: string, before: string | undefined, limit: number): Promise<Page> {
    const [named, calling] = await Promise.all([
      this.database.query<MessageRow>(
        `SELECT ${MENTION_COLUMNS} FROM message_mentions mm
         JOIN messages m ON m.room = mm.room AND m.seq = mm.seq
         WHERE mm.user_id = $1 AND ($2::text IS NULL OR mm.message_id < $2)
         ORDER BY mm.message_id DESC LIMIT $3`,
        [userId, before ?? null, limit + 1],
      ),
      // @room/@here by someone else, in rooms the person is a member of now.
      this.database.query<MessageRow>(
        `SELECT ${MENTION_COLUMNS} FROM messages m
         WHERE m.mentions_all IS NOT NULL AND m.author_id <> $1 AND m.id < $2
           AND m.room IN (SELECT room FROM room_members WHERE user_id = $1 AND role IS NOT NULL)
         ORDER BY m.id DESC LIMIT $3`,
        [userId, before ?? NEWEST_ID, limit + 1],
      ),
    ]);
    return toPage(newestFirst(named, calling), limit, false);
  }

  async mentionSeqs(
    userId: string,
    rooms: readonly string[],
    perRoom: number,
  ): Promise<Record<string, number[]>> {
    if (rooms.length === 0) return {};
    // One index range per room (user_id, room, seq), in one round trip; and
    // the room's @room/@here by others where the person is a member.
    const rows = await this.database.query<{ room: string; seq: string }>(
      `SELECT r.room, x.seq FROM unnest($2::text[]) AS r(room)
       CROSS JOIN LATERAL (
         SELECT seq FROM message_mentions WHERE user_id = $1 AND room = r.room ORDER BY seq DESC LIMIT $3
       ) x
       UNION ALL
       SELECT r.room, y.seq FROM unnest($2::text[]) AS r(room)
       CROSS JOIN LATERAL (
         SELECT seq FROM messages
         WHERE room = r.room AND mentions_all IS NOT NULL AND author_id <> $1
           AND EXISTS (SELECT 1 FROM room_members WHERE room = r.room AND user_id = $1 AND role IS NOT NULL)
         ORDER BY seq DESC LIMIT $3
       ) y`,
      [userId, [...rooms], perRoom],
    );
    const found = new Map<string, number[]>();
    for (const row of rows) found.set(row.room, [...(found.get(row.room) ?? []), Number(row.seq)]);
    const seqs: Record<string, number[]> = {};
    for (const [room, list] of found) seqs[room] = newestSeqs(list, [], perRoom);
    return seqs;
  }

  async latest(room: string, limit: number): Promise<Page> {
    const rows = await this.database.query<MessageRow>(NEWEST_PAGE, [room, limit + 1]);
    return toPage(rows, limit, true);
  }

  async before(room: string, before: number, limit: number): Promise<Page> {
    const rows = await this.database.query<MessageRow>(PAGE_BEFORE, [room, before, limit + 1]);
    return toPage(rows, limit, true);
  }

  async after(room: string, after: number, limit: number): Promise<Page> {
    const rows = await this.database.query<MessageRow>(PAGE_AFTER, [room, after, limit + 1]);
    return toPage(rows, limit, false);
  }
}
