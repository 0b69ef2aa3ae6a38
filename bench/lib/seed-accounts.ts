import { createHmac, randomBytes, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { ACCOUNT_SESSION_COOKIE } from "../../lib/server/accounts/accounts";
import { AUTH_MODEL_NAMES } from "../../lib/server/accounts/auth-schema";

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

function insert(db: Database.Database, table: string, row: Row): void {
  const columns = Object.keys(row);
  db.prepare(
    `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
  ).run(...columns.map((c) => row[c] as unknown));
}

export type SeededAccount = { email: string; cookies: string[] };

/**
 * `count` accounts cloned from one made by a real sign-up (`templateEmail`):
 * the same rows in every table a sign-up writes (account, password
 * credential, session, the chat's user record), with their own ids, address,
 * chat identity and session tokens, `sessions` each. A benchmark needs a
 * thousand sessions, and a thousand sign-ups hash a thousand passwords with
 * scrypt; what the handshake reads is the same either way. Written into the
 * running server's SQLite file in one transaction (WAL: the server reads on).
 */
export function seedAccounts(
  file: string,
  secret: string,
  templateEmail: string,
  count: number,
  sessions: (index: number) => number,
): SeededAccount[] {
  const db = new Database(file);
  try {
    db.pragma("busy_timeout = 5000");
    const t = AUTH_MODEL_NAMES;
    const user = db.prepare(`SELECT * FROM ${t.user} WHERE email = ?`).get(templateEmail) as
      | Row
      | undefined;
    if (!user) throw new Error(`no account ${templateEmail} to clone`);
    const credential = db
      .prepare(`SELECT * FROM ${t.account} WHERE userId = ?`)
      .get(user.id) as Row;
    const session = db.prepare(`SELECT * FROM ${t.session} WHERE userId = ?`).get(user.id) as Row;
    const chatUser = db.prepare("SELECT * FROM users WHERE id = ?").get(user.chatUserId) as
      | Row
      | undefined;
    if (!credential || !session || !chatUser)
      throw new Error(`the sign-up of ${templateEmail} did not write every row`);
    const seeded: SeededAccount[] = [];
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const accountId = randomUUID();
        const chatUserId = randomUUID();
        const email = `seeded-${i}-${templateEmail}`;
        const name = `Bench ${i}`;
        insert(db, t.user, { ...user, id: accountId, email, name, role: "user", chatUserId });
        insert(db, t.account, {
          ...credential,
          id: randomUUID(),
          accountId,
          userId: accountId,
        });
        insert(db, "users", { ...chatUser, id: chatUserId, name });
        const cookies: string[] = [];
        for (let s = 0; s < sessions(i); s++) {
          const token = sessionToken();
          insert(db, t.session, { ...session, id: randomUUID(), token, userId: accountId });
          cookies.push(sessionCookie(token, secret));
        }
        seeded.push({ email, cookies });
      }
    })();
    return seeded;
  } finally {
    db.close();
  }
}
