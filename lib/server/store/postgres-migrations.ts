import type { PoolClient } from "pg";

type Migration = { version: number; name: string; sql: string };

/**
 * Append-only, like the SQLite list: a released migration is never edited.
 * `messages` has (room, seq) as its primary key so every history page is one
 * index range scan, whatever the size of the room.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "rooms, messages and users",
    sql: `
      CREATE TABLE rooms (
        name            text        PRIMARY KEY,
        latest_seq      bigint      NOT NULL,
        last_message_at timestamptz NOT NULL
      );
      CREATE INDEX rooms_by_activity ON rooms (last_message_at DESC);

      CREATE TABLE messages (
        room        text        NOT NULL,
        seq         bigint      NOT NULL,
        id          text        NOT NULL,
        client_id   text        NOT NULL,
        author_id   text        NOT NULL,
        author_name text        NOT NULL,
        text        text        NOT NULL,
        created_at  timestamptz NOT NULL,
        PRIMARY KEY (room, seq)
      );
      CREATE UNIQUE INDEX messages_by_id ON messages (id);
      CREATE UNIQUE INDEX messages_idempotency ON messages (room, author_id, client_id);

      CREATE TABLE users (
        id         text        PRIMARY KEY,
        name       text        NOT NULL,
        created_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "credential generations",
    // Apart from users: an identity that never wrote may have no user row, and
    // its credentials must still be revocable.
    sql: `
      CREATE TABLE credential_generations (
        user_id    text        PRIMARY KEY,
        generation integer     NOT NULL,
        revoked_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "write probe",
    // One row an instance rewrites while its writes fail, to find out when they work again.
    sql: `
      CREATE TABLE write_probe (
        id         integer     PRIMARY KEY,
        written_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: "rooms remember their first author and whether anyone else wrote",
    // As in the SQLite migration: shared rooms are listed first.
    sql: `
      ALTER TABLE rooms ADD COLUMN first_author text;
      ALTER TABLE rooms ADD COLUMN shared boolean NOT NULL DEFAULT false;
      UPDATE rooms SET first_author = (SELECT author_id FROM messages WHERE room = rooms.name AND seq = 1);
      UPDATE rooms SET shared = EXISTS (
        SELECT 1 FROM messages WHERE room = rooms.name AND author_id <> rooms.first_author
      );
      DROP INDEX rooms_by_activity;
      CREATE INDEX rooms_for_listing ON rooms (shared DESC, last_message_at DESC);
    `,
  },
  {
    version: 5,
    name: "the change log: revs, edits, deletes, replies and reactions",
    // As in the SQLite migration: every stored message's rev is its seq.
    sql: `
      ALTER TABLE rooms ADD COLUMN latest_rev bigint NOT NULL DEFAULT 0;
      UPDATE rooms SET latest_rev = latest_seq;
      ALTER TABLE messages ADD COLUMN rev bigint NOT NULL DEFAULT 0;
      UPDATE messages SET rev = seq;
      ALTER TABLE messages ADD COLUMN edited_at timestamptz;
      ALTER TABLE messages ADD COLUMN deleted boolean NOT NULL DEFAULT false;
      ALTER TABLE messages ADD COLUMN reply_to_id text;
      ALTER TABLE messages ADD COLUMN reply_to_seq bigint;
      ALTER TABLE messages ADD COLUMN reactions text;
      CREATE UNIQUE INDEX messages_by_rev ON messages (room, rev);

      CREATE TABLE reactions (
        room    text   NOT NULL,
        seq     bigint NOT NULL,
        emoji   text   NOT NULL,
        user_id text   NOT NULL,
        rev     bigint NOT NULL,
        PRIMARY KEY (room, seq, emoji, user_id)
      );
      CREATE INDEX reactions_by_user ON reactions (room, user_id, seq);
    `,
  },
  {
    version: 6,
    name: "accounts, sessions and passkeys (better-auth)",
    // better-auth's own tables (lib/server/accounts), as its schema generator
    // writes them for this engine, created here so that one runner (and its
    // lock) migrates everything; accounts.schema.test.ts fails if the
    // library's schema moves on without a migration. An account's
    // chatUserId is the chat identity (users.id) it speaks as: a guest who
    // signs up keeps theirs.
    sql: `
      create table "auth_users" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" boolean not null, "image" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null, "role" text, "banned" boolean, "banReason" text, "banExpires" timestamptz, "chatUserId" text);
      create table "auth_sessions" ("id" text not null primary key, "expiresAt" timestamptz not null, "token" text not null unique, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null, "ipAddress" text, "userAgent" text, "userId" text not null references "auth_users" ("id") on delete cascade, "impersonatedBy" text);
      create table "auth_accounts" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "auth_users" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text, "password" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null);
      create table "auth_verifications" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" timestamptz not null, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null);
      create table "auth_passkeys" ("id" text not null primary key, "name" text, "publicKey" text not null, "userId" text not null references "auth_users" ("id") on delete cascade, "credentialID" text not null, "counter" integer not null, "deviceType" text not null, "backedUp" boolean not null, "transports" text, "createdAt" timestamptz, "aaguid" text);
      create index "auth_sessions_userId_idx" on "auth_sessions" ("userId");
      create index "auth_accounts_userId_idx" on "auth_accounts" ("userId");
      create index "auth_verifications_identifier_idx" on "auth_verifications" ("identifier");
      create index "auth_passkeys_userId_idx" on "auth_passkeys" ("userId");
      create index "auth_passkeys_credentialID_idx" on "auth_passkeys" ("credentialID");
      create unique index "auth_users_chatUserId_idx" on "auth_users" ("chatUserId");
    `,
  },
  {
    version: 7,
    name: "read positions of account holders",
    // Where a person has read to in each room, kept for account holders so
    // that every device they sign in on agrees; a position only moves forward.
    sql: `
      CREATE TABLE read_positions (
        user_id    text        NOT NULL,
        room       text        NOT NULL,
        seq        bigint      NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, room)
      );
    `,
  },
  {
    version: 8,
    name: "bot tokens of accounts",
    // A bot token is shown once; only its SHA-256 is kept, so a copy of the
    // database does not let anyone speak as the bot.
    sql: `
      CREATE TABLE bot_tokens (
        id           text        PRIMARY KEY,
        account_id   text        NOT NULL,
        name         text        NOT NULL,
        token_hash   text        NOT NULL UNIQUE,
        created_at   timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      );
      CREATE INDEX bot_tokens_by_account ON bot_tokens (account_id);
    `,
  },
  {
    version: 9,
    name: "rooms that belong to people: settings, members, invites, the audit log, direct rooms",
    // As in the SQLite migration: rooms from before are public and ownerless,
    // made when their first message was; membership rows outlive leaving and
    // carry the rev of their latest change; the audit log outlives its room.
    sql: `
      ALTER TABLE rooms ADD COLUMN visibility text NOT NULL DEFAULT 'public';
      ALTER TABLE rooms ADD COLUMN topic text NOT NULL DEFAULT '';
      ALTER TABLE rooms ADD COLUMN owner_id text;
      ALTER TABLE rooms ADD COLUMN created_at timestamptz;
      UPDATE rooms SET created_at = coalesce(
        (SELECT created_at FROM messages WHERE room = rooms.name ORDER BY seq LIMIT 1),
        last_message_at
      );
      ALTER TABLE rooms ALTER COLUMN created_at SET DEFAULT now();
      ALTER TABLE rooms ALTER COLUMN created_at SET NOT NULL;

      ALTER TABLE messages ADD COLUMN removed_by_moderator boolean NOT NULL DEFAULT false;

      CREATE TABLE room_members (
        room        text        NOT NULL,
        user_id     text        NOT NULL,
        role        text,
        banned      boolean     NOT NULL DEFAULT false,
        muted_until timestamptz,
        joined_at   timestamptz NOT NULL,
        rev         bigint      NOT NULL,
        kind        text        NOT NULL,
        by_id       text,
        by_name     text,
        changed_at  timestamptz NOT NULL,
        PRIMARY KEY (room, user_id)
      );
      CREATE INDEX room_members_by_user ON room_members (user_id, room);
      CREATE UNIQUE INDEX room_members_by_rev ON room_members (room, rev);

      CREATE TABLE invites (
        id              text        PRIMARY KEY,
        room            text        NOT NULL,
        token_hash      text        NOT NULL UNIQUE,
        created_by_id   text        NOT NULL,
        created_by_name text        NOT NULL,
        expires_at      timestamptz NOT NULL,
        max_uses        integer,
        uses            integer     NOT NULL DEFAULT 0,
        revoked         boolean     NOT NULL DEFAULT false,
        created_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX invites_by_room ON invites (room, id);

      CREATE TABLE audit_log (
        id          text        PRIMARY KEY,
        room        text        NOT NULL,
        action      text        NOT NULL,
        actor_id    text        NOT NULL,
        actor_name  text        NOT NULL,
        target_id   text,
        target_name text,
        message_id  text,
        message_seq bigint,
        detail      text        NOT NULL,
        at          timestamptz NOT NULL
      );
      CREATE INDEX audit_log_by_room ON audit_log (room, id);

      CREATE TABLE direct_rooms (
        user_low  text NOT NULL,
        user_high text NOT NULL,
        room      text NOT NULL UNIQUE,
        PRIMARY KEY (user_low, user_high)
      );

      CREATE INDEX users_by_name ON users (lower(name) text_pattern_ops);
    `,
  },
  {
    version: 10,
    name: "full-text search: a word index and a trigram index of the messages' current text",
    // The extensions go to the public schema when they are not installed
    // yet, and are named by whatever schema holds them: a database's
    // extensions are shared by all its schemas, and one made inside this
    // schema would go with it, from under every other schema that uses it.
    // Creating them needs the CREATE privilege on the database (both are
    // trusted extensions); without it this migration fails, and an owner can
    // create them first (docs/operations.md, "Search index").
    //
    // The text search configuration is `simple` (no stemming, no stop words:
    // chat is in every language) with accents folded, so café finds cafe and
    // ts_headline marks the folded match. A deleted message's text is '', so
    // its vector is empty: it leaves the index with its text. The trigram
    // index holds only text with a character of the scripts written without
    // spaces (SUBSTRING_SCRIPT in search-terms.ts): queries for substrings
    // say the same predicate, so that the planner may use it.
    sql: `
      DO $$
      DECLARE
        unaccent_schema text;
        trgm_schema text;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
          CREATE EXTENSION unaccent SCHEMA public;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
          CREATE EXTENSION pg_trgm SCHEMA public;
        END IF;
        SELECT n.nspname INTO unaccent_schema FROM pg_extension e
          JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
        SELECT n.nspname INTO trgm_schema FROM pg_extension e
          JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
        CREATE TEXT SEARCH CONFIGURATION scrollback (COPY = pg_catalog.simple);
        EXECUTE format(
          'ALTER TEXT SEARCH CONFIGURATION scrollback ALTER MAPPING FOR word, hword, hword_part WITH %I.unaccent, pg_catalog.simple',
          unaccent_schema);
        ALTER TABLE messages ADD COLUMN search_vector tsvector
          GENERATED ALWAYS AS (to_tsvector('scrollback', text)) STORED;
        CREATE INDEX messages_search ON messages USING gin (search_vector);
        EXECUTE format(
          'CREATE INDEX messages_substrings ON messages USING gin (text %I.gin_trgm_ops) WHERE text ~ %L',
          trgm_schema, '[ᄀ-ᇿぁ-ヿ㄰-㆏㐀-䶿一-鿿가-힯豈-﫿ｦ-ﾟ]');
      END
      $$;
    `,
  },
  {
    version: 11,
    name: "mentions: who each message names, and a per-person index of them",
    // As in the SQLite migration: mentions as a JSON array of ids (NULL for
    // none), mentions_all 'room' | 'here', and message_mentions kept with the
    // message's writes. Messages from before keep no mentions.
    sql: `
      ALTER TABLE messages ADD COLUMN mentions text;
      ALTER TABLE messages ADD COLUMN mentions_all text;

      CREATE TABLE message_mentions (
        user_id    text   NOT NULL,
        room       text   NOT NULL,
        seq        bigint NOT NULL,
        message_id text   NOT NULL,
        PRIMARY KEY (user_id, message_id)
      );
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
    // As in the SQLite migration: no level row is the default level; the
    // claim's primary key makes one notification per person and message
    // across instances (INSERT … ON CONFLICT DO NOTHING RETURNING).
    sql: `
      CREATE TABLE notification_levels (
        user_id    text        NOT NULL,
        room       text        NOT NULL,
        level      text        NOT NULL CHECK (level IN ('all', 'mentions', 'nothing')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, room)
      );
      CREATE INDEX notification_levels_by_room ON notification_levels (room, user_id);

      CREATE TABLE push_subscriptions (
        endpoint        text        PRIMARY KEY,
        user_id         text        NOT NULL,
        p256dh          text        NOT NULL,
        auth            text        NOT NULL,
        previews        boolean     NOT NULL DEFAULT false,
        created_at      timestamptz NOT NULL DEFAULT now(),
        last_success_at timestamptz
      );
      CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);

      CREATE TABLE notification_claims (
        user_id    text        NOT NULL,
        message_id text        NOT NULL,
        room       text        NOT NULL,
        seq        bigint      NOT NULL,
        reason     text        NOT NULL,
        pushed     boolean     NOT NULL DEFAULT false,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, message_id)
      );
      CREATE INDEX notification_claims_by_message ON notification_claims (message_id);
      CREATE INDEX notification_claims_by_room ON notification_claims (room, seq);
    `,
  },
  {
    version: 13,
    name: "files: attachments on messages, and the uploads they name",
    // As in the SQLite migration: messages.attachments is the JSON text of
    // the Attachment[] the message shows (NULL for none); an uploads row is
    // written once its bytes are durable, attached by the append's
    // transaction and released by the delete's; one index per UploadStore
    // question.
    sql: `
      ALTER TABLE messages ADD COLUMN attachments text;

      CREATE TABLE uploads (
        id          text        PRIMARY KEY,
        uploader_id text        NOT NULL,
        address     text        NOT NULL,
        name        text        NOT NULL,
        size        bigint      NOT NULL,
        type        text        NOT NULL,
        content_key text        NOT NULL,
        width       integer,
        height      integer,
        placeholder text,
        variants    jsonb       NOT NULL DEFAULT '[]',
        created_at  timestamptz NOT NULL,
        message_id  text,
        room        text,
        released    boolean     NOT NULL DEFAULT false
      );
      CREATE INDEX uploads_by_message ON uploads (message_id) WHERE message_id IS NOT NULL;
      CREATE INDEX uploads_by_room ON uploads (room) WHERE room IS NOT NULL;
      CREATE INDEX uploads_unattached ON uploads (created_at) WHERE message_id IS NULL;
      CREATE INDEX uploads_released ON uploads (created_at) WHERE released;
      CREATE INDEX uploads_by_uploader ON uploads (uploader_id, created_at);
      CREATE INDEX uploads_by_address ON uploads (address, created_at);
      CREATE INDEX uploads_by_content ON uploads (content_key);
    `,
  },
];

/** Any constant works; it only has to be the same for every instance of the app. */
const MIGRATION_LOCK_KEY = 0x5c011bac;

/**
 * Brings the schema up to date. A session-level advisory lock makes instances
 * that start together take turns: the first migrates, the others find nothing
 * left to do. Each migration commits on its own with its bookkeeping row.
 */
export async function migratePostgres(
  client: PoolClient,
  /** Stops after this version, for tests of a migration from an older schema. */
  upTo: number = Number.POSITIVE_INFINITY,
): Promise<void> {
  await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer     PRIMARY KEY,
      name       text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>(
      "SELECT version FROM schema_migrations",
    );
    const applied = new Set(rows.map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version) || migration.version > upTo) continue;
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
          migration.version,
          migration.name,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
  }
}
