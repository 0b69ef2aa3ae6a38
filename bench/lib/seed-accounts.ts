import { createHmac, randomBytes, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { ACCOUNT_SESSION_COOKIE } from "../../lib/server/accounts/accounts";
import { AUTH_MODEL_NAMES } from "../../lib/server/accounts/auth-schema";
import { accountsDatabasePath } from "../../lib/server/store/sqlite-auth-migrations";

type Row = Record<string, unknown>;

/** better-auth's session tokens: 32 characters of [a-zA-Z0-9]. */
function sessionToken(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return Array.from(randomBytes(32), (byte) => alphabet[byte % alphabet.length]).join("");
}

/** The Cookie header a browser holding this session sends: the token signed as better-auth (better-call) signs it. */
export function sessionCookie(token: string, secret: string): string {
  const signature = createHmac("sha256", secret).update(token).digest("base64");
  return `${ACCOUNT_SESSION_COOKIE}=${encodeURIComponent(`${token}.${signature}`)}`;
}

/** The little of a database the seeding needs, on either engine. */
type SeedDatabase = {
  one(table: string, column: string, value: unknown): Promise<Row | undefined>;
  insertAll(rows: { table: string; row: Row }[]): Promise<void>;
  close(): Promise<void>;
};

const quoted = (columns: string[]) => columns.map((c) => `"${c}"`).join(", ");

/** On SQLite the chat's `users` are in the chat's file, better-auth's tables in the accounts file beside it. */
function sqliteDatabase(file: string): SeedDatabase {
  const chat = new Database(file);
  const accounts = new Database(accountsDatabasePath(file));
  for (const db of [chat, accounts]) db.pragma("busy_timeout = 5000");
  const of = (table: string) => (table === "users" ? chat : accounts);
  return {
    one: async (table, column, value) =>
      of(table).prepare(`SELECT * FROM ${table} WHERE "${column}" = ?`).get(value) as
        | Row
        | undefined,
    async insertAll(rows) {
      for (const db of [accounts, chat])
        db.transaction(() => {
          for (const { table, row } of rows) {
            if (of(table) !== db) continue;
            const columns = Object.keys(row);
            db.prepare(
              `INSERT INTO ${table} (${quoted(columns)}) VALUES (${columns.map(() => "?").join(", ")})`,
            ).run(...columns.map((c) => row[c]));
          }
        })();
    },
    close: async () => {
      chat.close();
      accounts.close();
    },
  };
}

async function postgresDatabase(url: string): Promise<SeedDatabase> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    one: async (table, column, value) =>
      (await client.query(`SELECT * FROM ${table} WHERE "${column}" = $1`, [value])).rows[0],
    async insertAll(rows) {
      await client.query("BEGIN");
      for (const { table, row } of rows) {
        const columns = Object.keys(row);
        await client.query(
          `INSERT INTO ${table} (${quoted(columns)}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
          columns.map((c) => row[c]),
        );
      }
      await client.query("COMMIT");
    },
    close: () => client.end(),
  };
}

export type SeededAccount = { email: string; cookies: string[] };

/**
 * `count` accounts cloned from one made by a real sign-up (`templateEmail`):
 * the same rows in every table a sign-up writes (account, password
 * credential, session, the chat's user record), with their own ids, address,
 * chat identity and session tokens, `sessions(i)` each. A benchmark needs a
 * thousand sessions, and a thousand sign-ups hash a thousand passwords with
 * scrypt; what the handshake reads is the same either way. Written beside
 * the running server (`file:` SQLite in WAL, or a Postgres URL), in one
 * transaction.
 */
export async function seedAccounts(
  database: { file: string } | { postgresUrl: string },
  secret: string,
  templateEmail: string,
  count: number,
  sessions: (index: number) => number,
): Promise<SeededAccount[]> {
  const db =
    "file" in database
      ? sqliteDatabase(database.file)
      : await postgresDatabase(database.postgresUrl);
  try {
    const t = AUTH_MODEL_NAMES;
    const user = await db.one(t.user, "email", templateEmail);
    if (!user) throw new Error(`no account ${templateEmail} to clone`);
    const credential = await db.one(t.account, "userId", user.id);
    const session = await db.one(t.session, "userId", user.id);
    const chatUser = await db.one("users", "id", user.chatUserId);
    if (!credential || !session || !chatUser)
      throw new Error(`the sign-up of ${templateEmail} did not write every row`);
    const seeded: SeededAccount[] = [];
    const rows: { table: string; row: Row }[] = [];
    for (let i = 0; i < count; i++) {
      const accountId = randomUUID();
      const chatUserId = randomUUID();
      const email = `seeded-${i}-${templateEmail}`;
      const name = `Bench ${i}`;
      rows.push(
        { table: t.user, row: { ...user, id: accountId, email, name, role: "user", chatUserId } },
        {
          table: t.account,
          row: { ...credential, id: randomUUID(), accountId, userId: accountId },
        },
        { table: "users", row: { ...chatUser, id: chatUserId, name } },
      );
      const cookies: string[] = [];
      for (let s = 0; s < sessions(i); s++) {
        const token = sessionToken();
        rows.push({
          table: t.session,
          row: { ...session, id: randomUUID(), token, userId: accountId },
        });
        cookies.push(sessionCookie(token, secret));
      }
      seeded.push({ email, cookies });
    }
    await db.insertAll(rows);
    return seeded;
  } finally {
    await db.close();
  }
}
