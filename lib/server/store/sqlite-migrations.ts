import type Database from "better-sqlite3";

type Migration = { version: number; name: string; sql: string };

/**
 * Append-only: a released migration is never edited, a change is a new version.
 * `messages` is clustered on (room, seq) so every history page is one index range.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "rooms, messages and users",
    sql: `
      CREATE TABLE rooms (
        name            TEXT PRIMARY KEY,
        latest_seq      INTEGER NOT NULL,
        last_message_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX rooms_by_activity ON rooms (last_message_at DESC);

      CREATE TABLE messages (
        room        TEXT    NOT NULL,
        seq         INTEGER NOT NULL,
        id          TEXT    NOT NULL,
        client_id   TEXT    NOT NULL,
        author_id   TEXT    NOT NULL,
        author_name TEXT    NOT NULL,
        text        TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (room, seq)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX messages_by_id ON messages (id);
      CREATE UNIQUE INDEX messages_idempotency ON messages (room, author_id, client_id);

      CREATE TABLE users (
        id         TEXT PRIMARY KEY,
        name       TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: "credential generations",
    // Apart from users: an identity that never wrote may have no user row, and
    // its credentials must still be revocable.
    sql: `
      CREATE TABLE credential_generations (
        user_id    TEXT PRIMARY KEY,
        generation INTEGER NOT NULL,
        revoked_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: "write probe",
    // One row a store rewrites while its writes fail, to find out when they work again.
    sql: `
      CREATE TABLE write_probe (
        id         INTEGER PRIMARY KEY,
        written_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: "rooms remember their first author and whether anyone else wrote",
    // The landing page lists shared rooms first, so that rooms one flooder
    // fills alone cannot push out the ones where people talk. Existing rooms
    // learn both from their messages: seq 1 is the first author, and the
    // idempotency index (room, author_id, …) finds any other author in two
    // range probes.
    sql: `
      ALTER TABLE rooms ADD COLUMN first_author TEXT;
      ALTER TABLE rooms ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
      UPDATE rooms SET first_author = (SELECT author_id FROM messages WHERE room = rooms.name AND seq = 1);
      UPDATE rooms SET shared = EXISTS (
        SELECT 1 FROM messages
        WHERE room = rooms.name AND (author_id < rooms.first_author OR author_id > rooms.first_author)
      );
      DROP INDEX rooms_by_activity;
      CREATE INDEX rooms_for_listing ON rooms (shared DESC, last_message_at DESC);
    `,
  },
  {
    version: 5,
    name: "the change log: revs, edits, deletes, replies and reactions",
    // Until now a message's only change was its creation, so every stored
    // message's rev is its seq and every room's latest rev its latest seq.
    // Reaction counts are kept beside the message (JSON, null for none) so
    // that a page stays one index range; the reactions table holds who
    // reacted, for idempotency and `reaction:users`.
    sql: `
      ALTER TABLE rooms ADD COLUMN latest_rev INTEGER NOT NULL DEFAULT 0;
      UPDATE rooms SET latest_rev = latest_seq;
      ALTER TABLE messages ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
      UPDATE messages SET rev = seq;
      ALTER TABLE messages ADD COLUMN edited_at INTEGER;
      ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN reply_to_id TEXT;
      ALTER TABLE messages ADD COLUMN reply_to_seq INTEGER;
      ALTER TABLE messages ADD COLUMN reactions TEXT;
      CREATE UNIQUE INDEX messages_by_rev ON messages (room, rev);

      CREATE TABLE reactions (
        room    TEXT    NOT NULL,
        seq     INTEGER NOT NULL,
        emoji   TEXT    NOT NULL,
        user_id TEXT    NOT NULL,
        rev     INTEGER NOT NULL,
        PRIMARY KEY (room, seq, emoji, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX reactions_by_user ON reactions (room, user_id, seq);
    `,
  },
  {
    version: 6,
    name: "accounts live in a file of their own",
    // On SQLite, better-auth's tables are in a database beside this one
    // (sqlite-auth-migrations.ts): its sign-up transaction holds a read
    // snapshot across the password hash, which the chat's commits would make
    // stale, and taking the write lock for that long would stall the chat.
    sql: "SELECT 1;",
  },
  {
    version: 7,
    name: "read positions of account holders",
    // Where a person has read to in each room, kept for account holders so
    // that every device they sign in on agrees; a position only moves forward.
    sql: `
      CREATE TABLE read_positions (
        user_id    TEXT    NOT NULL,
        room       TEXT    NOT NULL,
        seq        INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, room)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: "bot tokens of accounts",
    // A bot token is shown once; only its SHA-256 is kept, so a copy of the
    // database does not let anyone speak as the bot.
    sql: `
      CREATE TABLE bot_tokens (
        id           TEXT    PRIMARY KEY,
        account_id   TEXT    NOT NULL,
        name         TEXT    NOT NULL,
        token_hash   TEXT    NOT NULL UNIQUE,
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX bot_tokens_by_account ON bot_tokens (account_id);
    `,
  },
  {
    version: 9,
    name: "rooms that belong to people: settings, members, invites, the audit log, direct rooms",
    // Rooms from before had no settings: they are public, with no owner (an
    // admin may claim them), made when their first message was. A room made
    // with no message yet is listed at the time it was made, so its
    // last_message_at starts there.
    //
    // A membership row is kept when the person leaves (role NULL) so that a
    // ban or a mute outlives leaving and joining again; it carries the rev of
    // its latest change, taken from the room's counter like a message change,
    // and who made that change, for changes:after to replay it.
    //
    // The audit log is not keyed to the room's other rows: it outlives the
    // messages it names, and the room itself.
    sql: `
      ALTER TABLE rooms ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public';
      ALTER TABLE rooms ADD COLUMN topic TEXT NOT NULL DEFAULT '';
      ALTER TABLE rooms ADD COLUMN owner_id TEXT;
      ALTER TABLE rooms ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
      UPDATE rooms SET created_at = coalesce(
        (SELECT created_at FROM messages WHERE room = rooms.name ORDER BY seq LIMIT 1),
        last_message_at
      );

      ALTER TABLE messages ADD COLUMN removed_by_moderator INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE room_members (
        room        TEXT    NOT NULL,
        user_id     TEXT    NOT NULL,
        role        TEXT,
        banned      INTEGER NOT NULL DEFAULT 0,
        muted_until INTEGER,
        joined_at   INTEGER NOT NULL,
        rev         INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        by_id       TEXT,
        by_name     TEXT,
        changed_at  INTEGER NOT NULL,
        PRIMARY KEY (room, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX room_members_by_user ON room_members (user_id, room);
      CREATE UNIQUE INDEX room_members_by_rev ON room_members (room, rev);

      CREATE TABLE invites (
        id              TEXT    PRIMARY KEY,
        room            TEXT    NOT NULL,
        token_hash      TEXT    NOT NULL UNIQUE,
        created_by_id   TEXT    NOT NULL,
        created_by_name TEXT    NOT NULL,
        expires_at      INTEGER NOT NULL,
        max_uses        INTEGER,
        uses            INTEGER NOT NULL DEFAULT 0,
        revoked         INTEGER NOT NULL DEFAULT 0,
        created_at      INTEGER NOT NULL
      );
      CREATE INDEX invites_by_room ON invites (room, id);

      CREATE TABLE audit_log (
        id          TEXT    PRIMARY KEY,
        room        TEXT    NOT NULL,
        action      TEXT    NOT NULL,
        actor_id    TEXT    NOT NULL,
        actor_name  TEXT    NOT NULL,
        target_id   TEXT,
        target_name TEXT,
        message_id  TEXT,
        message_seq INTEGER,
        detail      TEXT    NOT NULL,
        at          INTEGER NOT NULL
      );
      CREATE INDEX audit_log_by_room ON audit_log (room, id);

      CREATE TABLE direct_rooms (
        user_low  TEXT NOT NULL,
        user_high TEXT NOT NULL,
        room      TEXT NOT NULL UNIQUE,
        PRIMARY KEY (user_low, user_high)
      ) WITHOUT ROWID;

      CREATE INDEX users_by_name ON users (lower(name));
    `,
  },
  {
    version: 10,
    name: "full-text search: a word index and a trigram index of the messages' current text",
    // FTS5 tables of external content: they keep only the index and read
    // the text from messages, by rowid. messages is WITHOUT ROWID, so it
    // gets a rowid of its own for them, search_id, numbered in the order the
    // messages were written (their ids are time-ordered) and, from now on,
    // given by every INSERT as the next one. That order is also the order of
    // "newest first".
    //
    // The word index holds every row (a deleted message's text is '', no
    // words), so that 'rebuild' makes exactly what the triggers keep. The
    // trigram index, for substrings of scripts written without spaces, holds
    // only rows with a character of those scripts: most messages have none,
    // and need not pay its write cost (the GLOB is SUBSTRING_SCRIPTS_GLOB in
    // search-terms.ts).
    //
    // secure-delete, as the database's own secure_delete: an edit or a delete
    // takes the old text's words out of the index at once, instead of leaving
    // them under a delete marker until a merge.
    sql: `
      ALTER TABLE messages ADD COLUMN search_id INTEGER;
      WITH numbered AS (SELECT room, seq, row_number() OVER (ORDER BY id) AS n FROM messages)
      UPDATE messages SET search_id = numbered.n FROM numbered
      WHERE messages.room = numbered.room AND messages.seq = numbered.seq;
      CREATE UNIQUE INDEX messages_by_search_id ON messages (search_id);

      CREATE VIRTUAL TABLE message_fts USING fts5(
        text, content='messages', content_rowid='search_id',
        tokenize='unicode61 remove_diacritics 2'
      );
      INSERT INTO message_fts (message_fts, rank) VALUES ('secure-delete', 1);
      INSERT INTO message_fts (rowid, text) SELECT search_id, text FROM messages;
      CREATE TRIGGER message_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_fts (rowid, text) VALUES (new.search_id, new.text);
      END;
      CREATE TRIGGER message_fts_update AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', old.search_id, old.text);
        INSERT INTO message_fts (rowid, text) VALUES (new.search_id, new.text);
      END;
      CREATE TRIGGER message_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', old.search_id, old.text);
      END;

      CREATE VIRTUAL TABLE message_trigrams USING fts5(
        text, content='messages', content_rowid='search_id', tokenize='trigram'
      );
      INSERT INTO message_trigrams (message_trigrams, rank) VALUES ('secure-delete', 1);
      INSERT INTO message_trigrams (rowid, text)
        SELECT search_id, text FROM messages WHERE text GLOB '*[ᄀ-ᇿぁ-ヿ㄰-㆏㐀-䶿一-鿿가-힯豈-﫿ｦ-ﾟ]*';
      CREATE TRIGGER message_trigrams_insert AFTER INSERT ON messages
      WHEN new.text GLOB '*[ᄀ-ᇿぁ-ヿ㄰-㆏㐀-䶿一-鿿가-힯豈-﫿ｦ-ﾟ]*' BEGIN
        INSERT INTO message_trigrams (rowid, text) VALUES (new.search_id, new.text);
      END;
      CREATE TRIGGER message_trigrams_update AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO message_trigrams (message_trigrams, rowid, text)
          SELECT 'delete', old.search_id, old.text
          WHERE old.text GLOB '*[ᄀ-ᇿぁ-ヿ㄰-㆏㐀-䶿一-鿿가-힯豈-﫿ｦ-ﾟ]*';
        INSERT INTO message_trigrams (rowid, text)
          SELECT new.search_id, new.text
          WHERE new.text GLOB '*[ᄀ-ᇿぁ-ヿ㄰-㆏㐀-䶿一-鿿가-힯豈-﫿ｦ-ﾟ]*';
      END;
      CREATE TRIGGER message_trigrams_delete AFTER DELETE ON messages
      WHEN old.text GLOB '*[ᄀ-ᇿぁ-ヿ㄰-㆏㐀-䶿一-鿿가-힯豈-﫿ｦ-ﾟ]*' BEGIN
        INSERT INTO message_trigrams (message_trigrams, rowid, text) VALUES ('delete', old.search_id, old.text);
      END;
    `,
  },
  {
    version: 11,
    name: "mentions: who each message names, and a per-person index of them",
    // mentions: a JSON array of user ids, NULL when the message names no one;
    // mentions_all: 'room' or 'here' when a moderator or owner wrote one.
    // message_mentions holds one row per person a current message names, kept
    // in the transaction that writes the message (append, edit, delete), for
    // "my newest mentions" (user_id, message_id: ids are time-ordered) and "my
    // mentions in this room after my read position" (user_id, room, seq).
    // Messages from before keep no mentions: they were computed from the
    // room's members when written, which a migration cannot know.
    sql: `
      ALTER TABLE messages ADD COLUMN mentions TEXT;
      ALTER TABLE messages ADD COLUMN mentions_all TEXT;

      CREATE TABLE message_mentions (
        user_id    TEXT    NOT NULL,
        room       TEXT    NOT NULL,
        seq        INTEGER NOT NULL,
        message_id TEXT    NOT NULL,
        PRIMARY KEY (user_id, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX message_mentions_in_room ON message_mentions (user_id, room, seq);
      CREATE INDEX message_mentions_of_message ON message_mentions (room, seq);
      -- @room and @here call every member: found from the messages themselves
      -- (few, and only moderators write them), not fanned out into rows.
      CREATE INDEX messages_calling_all ON messages (room, seq) WHERE mentions_all IS NOT NULL;
      CREATE INDEX messages_calling_all_by_id ON messages (id) WHERE mentions_all IS NOT NULL;
    `,
  },
  {
    version: 12,
    name: "notifications: levels per room and person, push subscriptions, one claim per person and message",
    // A room without a level row is at the default (mentions and direct
    // messages), so nothing needs a backfill. A claim is made before anyone is
    // told of a message: its primary key is what makes it one notification per
    // person and message, whichever instance (or edit) gets there first.
    sql: `
      CREATE TABLE notification_levels (
        user_id    TEXT    NOT NULL,
        room       TEXT    NOT NULL,
        level      TEXT    NOT NULL CHECK (level IN ('all', 'mentions', 'nothing')),
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, room)
      ) WITHOUT ROWID;
      CREATE INDEX notification_levels_by_room ON notification_levels (room, user_id);

      CREATE TABLE push_subscriptions (
        endpoint        TEXT    PRIMARY KEY,
        user_id         TEXT    NOT NULL,
        p256dh          TEXT    NOT NULL,
        auth            TEXT    NOT NULL,
        previews        INTEGER NOT NULL DEFAULT 0,
        created_at      INTEGER NOT NULL,
        last_success_at INTEGER
      );
      CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);

      CREATE TABLE notification_claims (
        user_id    TEXT    NOT NULL,
        message_id TEXT    NOT NULL,
        room       TEXT    NOT NULL,
        seq        INTEGER NOT NULL,
        reason     TEXT    NOT NULL,
        pushed     INTEGER NOT NULL DEFAULT 0,
        claimed_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX notification_claims_by_message ON notification_claims (message_id);
      CREATE INDEX notification_claims_by_room ON notification_claims (room, seq);
    `,
  },
  {
    version: 13,
    name: "files: attachments on messages, and the uploads they name",
    // messages.attachments: JSON of the Attachment[] the message shows, NULL
    // for none (every message before this version). An uploads row is written
    // once its bytes are durable in file storage; append sets message_id and
    // room in the message's transaction, a delete sets released. variants is
    // a JSON array of the variant names made. Indexes, one per UploadStore
    // question: a message's uploads (delete); unattached ones by age and
    // released ones (the sweeper's releasable); a person's or an address's
    // recent uploads (quotas); content keys (shared bytes, the stray check).
    sql: `
      ALTER TABLE messages ADD COLUMN attachments TEXT;

      CREATE TABLE uploads (
        id          TEXT    PRIMARY KEY,
        uploader_id TEXT    NOT NULL,
        address     TEXT    NOT NULL,
        name        TEXT    NOT NULL,
        size        INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        content_key TEXT    NOT NULL,
        width       INTEGER,
        height      INTEGER,
        placeholder TEXT,
        variants    TEXT    NOT NULL DEFAULT '[]',
        created_at  INTEGER NOT NULL,
        message_id  TEXT,
        room        TEXT,
        released    INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE INDEX uploads_by_message ON uploads (message_id) WHERE message_id IS NOT NULL;
      CREATE INDEX uploads_by_room ON uploads (room) WHERE room IS NOT NULL;
      CREATE INDEX uploads_unattached ON uploads (created_at) WHERE message_id IS NULL;
      CREATE INDEX uploads_released ON uploads (created_at) WHERE released = 1;
      CREATE INDEX uploads_by_uploader ON uploads (uploader_id, created_at);
      CREATE INDEX uploads_by_address ON uploads (address, created_at);
      CREATE INDEX uploads_by_content ON uploads (content_key);
    `,
  },
];

export const LATEST_SQLITE_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the schema up to date (or to `upTo`, for tests of a migration from
 * an older schema); an IMMEDIATE transaction keeps two starting processes
 * from racing.
 */
export function migrateSqlite(
  db: Database.Database,
  upTo: number = LATEST_SQLITE_SCHEMA_VERSION,
): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = db.prepare<[], { version: number }>("SELECT version FROM schema_migrations");
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  const run = db.transaction(() => {
    const done = new Set(applied.all().map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version) || migration.version > upTo) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }
  });
  run.immediate();
}
