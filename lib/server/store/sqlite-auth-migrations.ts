import Database from "better-sqlite3";

type Migration = { version: number; name: string; sql: string };

/**
 * The accounts database of a SQLite deployment: better-auth's tables, as its
 * schema generator writes them for SQLite, in a file beside the chat's
 * (`scrollback-accounts.db` next to `scrollback.db`). A file of its own
 * because better-auth's sign-up runs one transaction across the password
 * hash (tens of milliseconds, off the event loop): in the chat's file, the
 * chat's commits meanwhile would make its read snapshot stale (its write
 * then fails with SQLITE_BUSY_SNAPSHOT), and holding the write lock instead
 * would stall every message for that long. Here the only writer is
 * better-auth's one connection, whose statements Kysely runs one at a time.
 * Postgres keeps the same tables in the chat's database (migration 6).
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "accounts, sessions and passkeys (better-auth)",
    sql: `
      create table "auth_users" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null, "updatedAt" date not null, "role" text, "banned" integer, "banReason" text, "banExpires" date, "chatUserId" text);
      create table "auth_sessions" ("id" text not null primary key, "expiresAt" date not null, "token" text not null unique, "createdAt" date not null, "updatedAt" date not null, "ipAddress" text, "userAgent" text, "userId" text not null references "auth_users" ("id") on delete cascade, "impersonatedBy" text);
      create table "auth_accounts" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "auth_users" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" date, "refreshTokenExpiresAt" date, "scope" text, "password" text, "createdAt" date not null, "updatedAt" date not null);
      create table "auth_verifications" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" date not null, "createdAt" date not null, "updatedAt" date not null);
      create table "auth_passkeys" ("id" text not null primary key, "name" text, "publicKey" text not null, "userId" text not null references "auth_users" ("id") on delete cascade, "credentialID" text not null, "counter" integer not null, "deviceType" text not null, "backedUp" integer not null, "transports" text, "createdAt" date, "aaguid" text);
      create index "auth_sessions_userId_idx" on "auth_sessions" ("userId");
      create index "auth_accounts_userId_idx" on "auth_accounts" ("userId");
      create index "auth_verifications_identifier_idx" on "auth_verifications" ("identifier");
      create index "auth_passkeys_userId_idx" on "auth_passkeys" ("userId");
      create index "auth_passkeys_credentialID_idx" on "auth_passkeys" ("credentialID");
      create unique index "auth_users_chatUserId_idx" on "auth_users" ("chatUserId");
    `,
  },
];

/** Where a chat database's accounts live: `scrollback.db` → `scrollback-accounts.db`. */
export function accountsDatabasePath(chatDatabasePath: string): string {
  return chatDatabasePath.replace(/(\.db)?$/, "-accounts.db");
}

/** Opens (creating and migrating) the accounts database for the chat database at `chatDatabasePath`. */
export function openAccountsDatabase(chatDatabasePath: string): Database.Database {
  const db = new Database(accountsDatabasePath(chatDatabasePath));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  // Only the shell's `npm run user` writes here besides the server.
  db.pragma("busy_timeout = 2000");
  migrateAccountsDatabase(db);
  return db;
}

/** An IMMEDIATE transaction keeps two starting processes from racing. */
export function migrateAccountsDatabase(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = db.prepare<[], { version: number }>("SELECT version FROM schema_migrations");
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  db.transaction(() => {
    const done = new Set(applied.all().map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }
  }).immediate();
}
