import type Database from "better-sqlite3";
import type {
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
import { type Outcome, type SqliteDatabase, unwrap } from "./database";
import { MESSAGE_COLUMNS, type MessageRow, toMessage, toPage, toRow } from "./message-rows";
import { SqliteSearch } from "./search";
import { prepareUploadWrites, toUpload, toUploadRow } from "./uploads";

/** Rows as they are read, converted one by one: a page stops reading where it stops taking. */
function* mapRows<R, T>(rows: Iterable<R>, convert: (row: R) => T): Generator<T> {
  for (const row of rows) yield convert(row);
}

function prepare(db: Database.Database) {
  return {
    byClientId: db.prepare<[string, string, string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND author_id = ? AND client_id = ?`,
    ),
    // A room is shared once someone other than its first author writes in it.
    bumpSeq: db.prepare<
      [string, number, string, number],
      { latest_seq: number; latest_rev: number }
    >(
      `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared, created_at) VALUES (?, 1, 1, ?, ?, 0, ?)
       ON CONFLICT (name) DO UPDATE SET latest_seq = latest_seq + 1, latest_rev = latest_rev + 1,
         last_message_at = excluded.last_message_at,
         first_author = coalesce(first_author, excluded.first_author),
         shared = shared OR coalesce(first_author, excluded.first_author) <> excluded.first_author
       RETURNING latest_seq, latest_rev`,
    ),
    // search_id: the next one, for the search index (sqlite-migrations.ts, version 10).
    insert: db.prepare(
      `INSERT INTO messages (${MESSAGE_COLUMNS}, search_id) VALUES (@room, @seq, @id, @client_id, @author_id, @author_name, @text, @created_at, @rev, @edited_at, @deleted, @reply_to_id, @reply_to_seq, @reactions, @removed_by_moderator, @mentions, @mentions_all, @attachments, (SELECT coalesce(max(search_id), 0) + 1 FROM messages))`,
    ),
    byId: db.prepare<[string, string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ? AND room = ?`,
    ),
    bySeq: db.prepare<[string, number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND seq = ?`,
    ),
    // Every change to a room's messages takes its next rev, inside the change's transaction.
    bumpRev: db.prepare<[string], { latest_rev: number }>(
      "UPDATE rooms SET latest_rev = latest_rev + 1 WHERE name = ? RETURNING latest_rev",
    ),
    edit: db.prepare<[string, number, number, string, number]>(
      "UPDATE messages SET text = ?, edited_at = ?, rev = ? WHERE room = ? AND seq = ?",
    ),
    // The text goes with the row's new version; secure_delete zeroes the old one's bytes.
    erase: db.prepare<[number, number, string, number]>(
      "UPDATE messages SET text = '', deleted = 1, reactions = NULL, attachments = NULL, rev = ?, removed_by_moderator = ? WHERE room = ? AND seq = ?",
    ),
    eraseReactions: db.prepare<[string, number]>(
      "DELETE FROM reactions WHERE room = ? AND seq = ?",
    ),
    setReactions: db.prepare<[string | null, number, string, number]>(
      "UPDATE messages SET reactions = ?, rev = ? WHERE room = ? AND seq = ?",
    ),
    addReaction: db.prepare<[string, number, string, string, number]>(
      "INSERT INTO reactions (room, seq, emoji, user_id, rev) VALUES (?, ?, ?, ?, ?)",
    ),
    removeReaction: db.prepare<[string, number, string, string]>(
      "DELETE FROM reactions WHERE room = ? AND seq = ? AND emoji = ? AND user_id = ?",
    ),
    mine: db.prepare<[string, number, string], { emoji: string }>(
      "SELECT emoji FROM reactions WHERE room = ? AND seq = ? AND user_id = ? ORDER BY rev",
    ),
    mineBetween: db.prepare<[string, string, number, number], { seq: number; emoji: string }>(
      "SELECT seq, emoji FROM reactions WHERE room = ? AND user_id = ? AND seq BETWEEN ? AND ? ORDER BY rev",
    ),
    reactors: db.prepare<[string, number, string, number], User>(
      `SELECT r.user_id AS id, coalesce(u.name, r.user_id) AS name
       FROM reactions r LEFT JOIN users u ON u.id = r.user_id
       WHERE r.room = ? AND r.seq = ? AND r.emoji = ? ORDER BY r.rev LIMIT ?`,
    ),
    reactorCount: db.prepare<[string, number, string], { count: number }>(
      "SELECT count(*) AS count FROM reactions WHERE room = ? AND seq = ? AND emoji = ?",
    ),
    changesAfter: db.prepare<[string, number, number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND rev > ? ORDER BY rev ASC LIMIT ?`,
    ),
    membersAfter: db.prepare<[string, number, number], MemberRow>(
      `${MEMBER_SELECT} WHERE m.room = ? AND m.rev > ? ORDER BY m.rev ASC LIMIT ?`,
    ),
    importMessage: db.prepare(
      `INSERT INTO messages (${MESSAGE_COLUMNS}, search_id) VALUES (@room, @seq, @id, @client_id, @author_id, @author_name, @text, @created_at, @rev, @edited_at, @deleted, @reply_to_id, @reply_to_seq, @reactions, @removed_by_moderator, @mentions, @mentions_all, @attachments, (SELECT coalesce(max(search_id), 0) + 1 FROM messages))
       ON CONFLICT DO NOTHING`,
    ),
    idAtSeq: db.prepare<[string, number], { id: string }>(
      "SELECT id FROM messages WHERE room = ? AND seq = ?",
    ),
    idAtRev: db.prepare<[string, number], { id: string }>(
      "SELECT id FROM messages WHERE room = ? AND rev = ?",
    ),
    importReaction: db.prepare(
      "INSERT INTO reactions (room, seq, emoji, user_id, rev) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    importGeneration: db.prepare(
      `INSERT INTO credential_generations (user_id, generation, revoked_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET generation = max(generation, excluded.generation)`,
    ),
    // Counters only go up: a room that already has later messages keeps its own.
    importRoom: db.prepare(
      `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared, created_at)
       VALUES (@name, @latest_seq, @latest_rev, @last_message_at, NULL, 0, @created_at)
       ON CONFLICT (name) DO UPDATE SET latest_seq = max(latest_seq, excluded.latest_seq),
         latest_rev = max(latest_rev, excluded.latest_rev),
         last_message_at = max(last_message_at, excluded.last_message_at),
         created_at = min(created_at, excluded.created_at)`,
    ),
    // As migration 4 derives them: seq 1's author, and whether anyone else wrote.
    importRoomAuthors: db.prepare<[string]>(
      `UPDATE rooms SET first_author = (SELECT author_id FROM messages WHERE room = rooms.name AND seq = 1),
         shared = EXISTS (SELECT 1 FROM messages WHERE room = rooms.name AND author_id <> (
           SELECT author_id FROM messages WHERE room = rooms.name AND seq = 1))
       WHERE name = ?`,
    ),
    latestRev: db.prepare<[string], { latest_rev: number }>(
      "SELECT latest_rev FROM rooms WHERE name = ?",
    ),
    // Settings as they are; counters only go up, as for messages.
    importRoomRecord: db.prepare(
      `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared, visibility, topic, owner_id, created_at)
       VALUES (@name, @latest_seq, @latest_rev, @last_message_at, NULL, 0, @visibility, @topic, @owner_id, @created_at)
       ON CONFLICT (name) DO UPDATE SET latest_seq = max(latest_seq, excluded.latest_seq),
         latest_rev = max(latest_rev, excluded.latest_rev),
         last_message_at = max(last_message_at, excluded.last_message_at),
         visibility = excluded.visibility, topic = excluded.topic, owner_id = excluded.owner_id,
         created_at = excluded.created_at`,
    ),
    importMembership: db.prepare(
      `INSERT INTO room_members (room, user_id, role, banned, muted_until, joined_at, rev, kind, by_id, by_name, changed_at)
       VALUES (@room, @user_id, @role, @banned, @muted_until, @joined_at, @rev, @kind, @by_id, @by_name, @changed_at)
       ON CONFLICT (room, user_id) DO NOTHING`,
    ),
    importInvite: db.prepare(
      `INSERT INTO invites (id, room, token_hash, created_by_id, created_by_name, expires_at, max_uses, uses, revoked, created_at)
       VALUES (@id, @room, @token_hash, @created_by_id, @created_by_name, @expires_at, @max_uses, @uses, @revoked, @created_at)
       ON CONFLICT DO NOTHING`,
    ),
    importAudit: db.prepare(
      `INSERT INTO audit_log (id, room, action, actor_id, actor_name, target_id, target_name, message_id, message_seq, detail, at)
       VALUES (@id, @room, @action, @actor_id, @actor_name, @target_id, @target_name, @message_id, @message_seq, @detail, @at)
       ON CONFLICT DO NOTHING`,
    ),
    importDirect: db.prepare<[string, string, string]>(
      "INSERT INTO direct_rooms (user_low, user_high, room) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    newest: db.prepare<[string, number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?`,
    ),
    before: db.prepare<[string, number, number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
    ),
    after: db.prepare<[string, number, number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND seq > ? ORDER BY seq ASC LIMIT ?`,
    ),
    insertUser: db.prepare(
      "INSERT INTO users (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
    ),
    ...prepareMentions(db),
    ...prepareUploadWrites(db),
  };
}

/** The messages' mentions, kept in step with their text (migration 11). */
function prepareMentions(db: Database.Database) {
  const columns = MESSAGE_COLUMNS.split(", ")
    .map((column) => `m.${column}`)
    .join(", ");
  return {
    setMentions: db.prepare<[string | null, string | null, string, number]>(
      "UPDATE messages SET mentions = ?, mentions_all = ? WHERE room = ? AND seq = ?",
    ),
    dropMentionRows: db.prepare<[string, number]>(
      "DELETE FROM message_mentions WHERE room = ? AND seq = ?",
    ),
    addMentionRow: db.prepare<[string, string, number, string]>(
      "INSERT INTO message_mentions (user_id, room, seq, message_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    newestMentions: db.prepare<[string, number], MessageRow>(
      `SELECT ${columns} FROM message_mentions mm JOIN messages m ON m.room = mm.room AND m.seq = mm.seq
       WHERE mm.user_id = ? ORDER BY mm.message_id DESC LIMIT ?`,
    ),
    mentionsBefore: db.prepare<[string, string, number], MessageRow>(
      `SELECT ${columns} FROM message_mentions mm JOIN messages m ON m.room = mm.room AND m.seq = mm.seq
       WHERE mm.user_id = ? AND mm.message_id < ? ORDER BY mm.message_id DESC LIMIT ?`,
    ),
    mentionSeqs: db.prepare<[string, string, number], { seq: number }>(
      "SELECT seq FROM message_mentions WHERE user_id = ? AND room = ? ORDER BY seq DESC LIMIT ?",
    ),
    // @room/@here by someone else, in a room the person is a member of now.
    callingAllSeqs: db.prepare<{ user: string; room: string; limit: number }, { seq: number }>(
      `SELECT seq FROM messages WHERE room = @room AND mentions_all IS NOT NULL AND author_id <> @user
         AND EXISTS (SELECT 1 FROM room_members WHERE room = @room AND user_id = @user AND role IS NOT NULL)
       ORDER BY seq DESC LIMIT @limit`,
    ),
    callingAllBefore: db.prepare<{ user: string; before: string; limit: number }, MessageRow>(
      `SELECT ${columns} FROM messages m
       WHERE m.mentions_all IS NOT NULL AND m.author_id <> @user AND m.id < @before
         AND m.room IN (SELECT room FROM room_members WHERE user_id = @user AND role IS NOT NULL)
       ORDER BY m.id DESC LIMIT @limit`,
    ),
  };
}

/** Messages, their reactions and the room's change log, written through the database's group commit. */
export class SqliteMessages implements MessageStore {
  private readonly statements: ReturnType<typeof prepare>;
  private readonly searcher: SqliteSearch;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepare(database.db);
    this.searcher = new SqliteSearch(database.db);
  }

  async search(input: SearchInput): Promise<{ hits: SearchHit[]; hasMore: boolean }> {
    return this.database.read(() => this.searcher.run(input));
  }

  append(input: NewMessage): Promise<AppendResult> {
    return this.database.write(() => this.appendOne(input)).then(unwrap);
  }

  change(input: ChangeRequest): Promise<ChangeResult> {
    return this.database.write(() => this.changeOne(input)).then(unwrap);
  }

  private appendOne(input: NewMessage): Outcome<AppendResult> {
    const { byClientId, byId, bumpSeq, insert, insertUser } = this.statements;
    const existing = byClientId.get(input.room, input.author.id, input.clientId);
    if (existing) return { value: { message: toMessage(existing), duplicate: true } };
    const answered = input.replyTo === undefined ? undefined : byId.get(input.replyTo, input.room);
    if (input.replyTo !== undefined && !answered)
      return { refused: new ChangeRefusedError("not_found") };
    // Checked before anything is written: a refused send leaves no trace.
    const attachments = this.attachmentsFor(input);
    if (attachments === null) return { refused: new ChangeRefusedError("invalid_attachment") };

    const createdAt = Date.now();
    // The author's first write makes their row; a rename since then keeps its name.
    insertUser.run(input.author.id, input.author.name, createdAt);
    const bumped = bumpSeq.get(input.room, createdAt, input.author.id, createdAt);
    if (bumped === undefined) throw new Error("room sequence was not returned");
    const seq = bumped.latest_seq;
    const row: MessageRow = {
      room: input.room,
      seq,
      id: timeOrderedId(createdAt),
      client_id: input.clientId,
      author_id: input.author.id,
      author_name: input.author.name,
      text: input.text,
      created_at: createdAt,
      rev: bumped.latest_rev,
      edited_at: null,
      deleted: 0,
      reply_to_id: answered?.id ?? null,
      reply_to_seq: answered?.seq ?? null,
      reactions: null,
      removed_by_moderator: 0,
      mentions: encodeMentions(input.mentions),
      mentions_all: input.mentions?.all ?? null,
      attachments: encodeAttachments(attachments),
    };
    insert.run(row);
    this.writeMentionRows(row.room, row.seq, row.id, input.mentions);
    for (const attachment of attachments)
      this.statements.attachUpload.run(row.id, row.room, attachment.id);
    return { value: { message: toMessage(row), duplicate: false } };
  }

  /** The uploads a send names, as the message holds them; null when one may not be attached. */
  private attachmentsFor(input: NewMessage) {
    const ids = input.attachments ?? [];
    if (ids.length === 0) return [];
    const found = new Map();
    for (const id of ids) {
      const row = this.statements.uploadById.get(id);
      if (row) found.set(id, toUpload(row));
    }
    return attachmentsToHold(ids, found, input.author.id);
  }

  /** message_mentions for one message: its rows replaced by these (none: removed). */
  private writeMentionRows(
    room: string,
    seq: number,
    id: string,
    mentions: MessageMentions | undefined,
  ): void {
    const s = this.statements;
    s.dropMentionRows.run(room, seq);
    for (const userId of mentions?.userIds ?? []) s.addMentionRow.run(userId, room, seq, id);
  }

  /** A changed message's mentions, in its columns and in message_mentions. */
  private setMentions(
    room: string,
    seq: number,
    id: string,
    mentions: MessageMentions | undefined,
  ) {
    this.statements.setMentions.run(encodeMentions(mentions), mentions?.all ?? null, room, seq);
    this.writeMentionRows(room, seq, id, mentions);
  }

  async importHistory(
    batches: Iterable<HistoryBatch> | AsyncIterable<HistoryBatch>,
  ): Promise<{ messages: number }> {
    let messages = 0;
    for await (const batch of batches) {
      messages += await this.database.write(() => this.importOne(batch)).then(unwrap);
    }
    return { messages };
  }

  private importOne(batch: HistoryBatch): Outcome<number> {
    const s = this.statements;
    const rows = (batch.messages ?? []).map(toRow);
    // Checked before anything is written: a batch is imported whole or not at all.
    // A seq or rev already taken is fine only by this very message, from an earlier run.
    for (const row of rows) {
      const atSeq = s.idAtSeq.get(row.room, row.seq)?.id;
      const atRev = s.idAtRev.get(row.room, row.rev)?.id;
      if ((atSeq !== undefined && atSeq !== row.id) || (atRev !== undefined && atRev !== row.id))
        return {
          refused: new Error(
            "the target already holds other messages at the same seqs; nothing was imported",
          ),
        };
    }
    const now = Date.now();
    for (const user of batch.users ?? []) s.insertUser.run(user.id, user.name, now);
    for (const g of batch.credentialGenerations ?? [])
      s.importGeneration.run(g.userId, g.generation, now);
    const rooms = new Map<
      string,
      { latest_seq: number; latest_rev: number; last_message_at: number; created_at: number }
    >();
    for (const [i, row] of rows.entries()) {
      s.importMessage.run(row);
      // Rebuilt from the message itself: the copy carries whom it names.
      const message = batch.messages?.[i];
      if (message) this.writeMentionRows(row.room, row.seq, row.id, mentionsOfMessage(message));
      const room = rooms.get(row.room) ?? {
        latest_seq: 0,
        latest_rev: 0,
        last_message_at: 0,
        created_at: row.created_at,
      };
      room.latest_seq = Math.max(room.latest_seq, row.seq);
      room.latest_rev = Math.max(room.latest_rev, row.rev);
      room.last_message_at = Math.max(room.last_message_at, row.created_at);
      room.created_at = Math.min(room.created_at, row.created_at);
      rooms.set(row.room, room);
    }
    for (const r of batch.reactions ?? [])
      s.importReaction.run(r.room, r.seq, r.emoji, r.userId, r.rev);
    for (const [name, room] of rooms) {
      s.importRoom.run({ name, ...room });
      s.importRoomAuthors.run(name);
    }
    this.importRoomsOf(batch);
    return { value: rows.length };
  }

  /** Rooms' settings, memberships, invites, the audit log and direct pairings, as they are. */
  private importRoomsOf(batch: HistoryBatch): void {
    const s = this.statements;
    for (const room of batch.rooms ?? [])
      s.importRoomRecord.run({
        name: room.name,
        latest_seq: room.latestSeq,
        latest_rev: room.latestRev,
        last_message_at: room.lastMessageAt.getTime(),
        visibility: room.visibility,
        topic: room.topic,
        owner_id: room.ownerId,
        created_at: room.createdAt.getTime(),
      });
    for (const m of batch.memberships ?? [])
      s.importMembership.run({
        room: m.room,
        user_id: m.userId,
        role: m.role,
        banned: m.banned ? 1 : 0,
        muted_until: m.mutedUntil,
        joined_at: m.joinedAt.getTime(),
        rev: m.rev,
        kind: m.kind,
        by_id: m.by?.id ?? null,
        by_name: m.by?.name ?? null,
        changed_at: m.changedAt.getTime(),
      });
    for (const i of batch.invites ?? [])
      s.importInvite.run({
        id: i.id,
        room: i.room,
        token_hash: i.tokenHash,
        created_by_id: i.createdBy.id,
        created_by_name: i.createdBy.name,
        expires_at: i.expiresAt.getTime(),
        max_uses: i.maxUses,
        uses: i.uses,
        revoked: i.revoked ? 1 : 0,
        created_at: i.createdAt.getTime(),
      });
    for (const a of batch.audit ?? [])
      s.importAudit.run({
        id: a.id,
        room: a.room,
        action: a.action,
        actor_id: a.actor.id,
        actor_name: a.actor.name,
        target_id: a.target?.id ?? null,
        target_name: a.target?.name ?? null,
        message_id: a.message?.id ?? null,
        message_seq: a.message?.seq ?? null,
        detail: a.detail,
        at: Date.parse(a.at),
      });
    for (const d of batch.directRooms ?? []) s.importDirect.run(d.userLow, d.userHigh, d.room);
    for (const u of batch.uploads ?? []) s.importUpload.run(toUploadRow(u));
  }

  private changeOne({ room, id, actor, change }: ChangeRequest): Outcome<ChangeResult> {
    const s = this.statements;
    const row = s.byId.get(id, room);
    if (!row) return { refused: new ChangeRefusedError("not_found") };
    const mineBefore = s.mine.all(room, row.seq, actor.id).map((r) => r.emoji);
    const reactions = decodeReactions(row.reactions);
    const decision = decideChange(
      {
        authorId: row.author_id,
        text: row.text,
        deleted: row.deleted !== 0,
        reactions,
        mine: mineBefore,
      },
      actor.id,
      change,
    );
    if (decision.kind === "refuse") return { refused: new ChangeRefusedError(decision.code) };
    if (decision.kind === "unchanged")
      return { value: { message: toMessage(row), changed: false, mine: mineBefore } };

    const rev = s.bumpRev.get(room)?.latest_rev;
    if (rev === undefined) throw new Error("room rev was not returned");
    switch (change.kind) {
      case "edit":
        s.edit.run(change.text, Date.now(), rev, room, row.seq);
        this.setMentions(room, row.seq, row.id, change.mentions);
        break;
      case "delete":
        // Marked only when someone other than the author removed it.
        s.erase.run(rev, change.byModerator && actor.id !== row.author_id ? 1 : 0, room, row.seq);
        s.eraseReactions.run(room, row.seq);
        this.setMentions(room, row.seq, row.id, undefined);
        // Nobody may read its files any more; the file sweeper removes their bytes.
        s.releaseOfMessage.run(row.id);
        this.database.scrubAfterThisCommit();
        break;
      case "reaction":
        if (change.added) {
          // A reaction is a write: it makes the identity's row, for reaction:users' names.
          s.insertUser.run(actor.id, actor.name, Date.now());
          s.addReaction.run(room, row.seq, change.emoji, actor.id, rev);
        } else {
          s.removeReaction.run(room, row.seq, change.emoji, actor.id);
        }
        s.setReactions.run(
          encodeReactions(countReactions(reactions, change.emoji, change.added)),
          rev,
          room,
          row.seq,
        );
        break;
    }
    const changed = s.bySeq.get(room, row.seq);
    if (!changed) throw new Error("changed message was not found");
    const mine = s.mine.all(room, row.seq, actor.id).map((r) => r.emoji);
    const released = change.kind === "delete" && row.attachments !== null;
    return {
      value: {
        message: toMessage(changed),
        changed: true,
        mine,
        ...(released ? { releasedFiles: true as const } : {}),
      },
    };
  }

  async latest(room: string, limit: number): Promise<Page> {
    return this.database.read(() =>
      toPage(this.statements.newest.iterate(room, limit + 1), limit, true),
    );
  }

  async before(room: string, before: number, limit: number): Promise<Page> {
    return this.database.read(() =>
      toPage(this.statements.before.iterate(room, before, limit + 1), limit, true),
    );
  }

  async after(room: string, after: number, limit: number): Promise<Page> {
    return this.database.read(() =>
      toPage(this.statements.after.iterate(room, after, limit + 1), limit, false),
    );
  }

  async mentionsOf(userId: string, before: string | undefined, limit: number): Promise<Page> {
    return this.database.read(() => {
      const named =
        before === undefined
          ? this.statements.newestMentions.all(userId, limit + 1)
          : this.statements.mentionsBefore.all(userId, before, limit + 1);
      const calling = this.statements.callingAllBefore.all({
        user: userId,
        before: before ?? NEWEST_ID,
        limit: limit + 1,
      });
      return toPage(newestFirst(named, calling), limit, false);
    });
  }

  async mentionSeqs(
    userId: string,
    rooms: readonly string[],
    perRoom: number,
  ): Promise<Record<string, number[]>> {
    return this.database.read(() => {
      const seqs: Record<string, number[]> = {};
      for (const room of rooms) {
        const named = this.statements.mentionSeqs.all(userId, room, perRoom).map((r) => r.seq);
        const calling = this.statements.callingAllSeqs
          .all({ user: userId, room, limit: perRoom })
          .map((r) => r.seq);
        const found = newestSeqs(named, calling, perRoom);
        if (found.length > 0) seqs[room] = found;
      }
      return seqs;
    });
  }

  async changesAfter(room: string, after: number, limit: number): Promise<ChangesPage> {
    return this.database.read(() => {
      // One read transaction would be needed were writes concurrent; they are
      // applied on this same thread, so the three reads see one state.
      const members = this.statements.membersAfter.all(room, after, limit + 1).map(toMemberChange);
      const page = takeChanges(
        mapRows(this.statements.changesAfter.iterate(room, after, limit + 1), toMessage),
        members,
        limit,
      );
      return { ...page, latestRev: this.statements.latestRev.get(room)?.latest_rev ?? 0 };
    });
  }

  async reactionUsers(
    room: string,
    id: string,
    emoji: string,
    limit: number,
  ): Promise<ReactionUsersResult> {
    return this.database.read(() => {
      const row = this.statements.byId.get(id, room);
      if (!row) throw new ChangeRefusedError("not_found");
      return {
        users: this.statements.reactors.all(room, row.seq, emoji, limit),
        count: this.statements.reactorCount.get(room, row.seq, emoji)?.count ?? 0,
      };
    });
  }

  async ownReactions(
    room: string,
    userId: string,
    messages: readonly ChatMessage[],
  ): Promise<Map<string, string[]>> {
    const own = new Map<string, string[]>();
    const reacted = messages.filter((message) => message.reactions.length > 0);
    if (reacted.length === 0) return own;
    const seqs = reacted.map((message) => message.seq);
    const idBySeq = new Map(reacted.map((message) => [message.seq, message.id]));
    const rows = this.database.read(() =>
      this.statements.mineBetween.all(room, userId, Math.min(...seqs), Math.max(...seqs)),
    );
    for (const row of rows) {
      const id = idBySeq.get(row.seq);
      if (id === undefined) continue;
      own.set(id, [...(own.get(id) ?? []), row.emoji]);
    }
    return own;
  }
}
