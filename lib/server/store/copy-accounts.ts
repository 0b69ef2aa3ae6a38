import type Database from "better-sqlite3";
import pg from "pg";

/**
 * The tables of accounts (migrations 6–8), copied as they are. SQLite keeps
 * better-auth's booleans as 0/1 and its times as ISO strings, and our own
 * times as epoch milliseconds; Postgres has booleans and timestamptz.
 */
const TABLES: readonly {
  name: string;
  /** better-auth's live in the accounts file; ours in the chat's. */
  from: "accounts" | "chat";
  key: string;
  booleans?: string[];
  epochMs?: string[];
}[] = [
  { name: "auth_users", from: "accounts", key: '"id"', booleans: ["emailVerified", "banned"] },
  { name: "auth_accounts", from: "accounts", key: '"id"' },
  { name: "auth_sessions", from: "accounts", key: '"id"' },
  { name: "auth_passkeys", from: "accounts", key: '"id"', booleans: ["backedUp"] },
  { name: "auth_verifications", from: "accounts", key: '"id"' },
  { name: "read_positions", from: "chat", key: "user_id, room", epochMs: ["updated_at"] },
  { name: "bot_tokens", from: "chat", key: "id", epochMs: ["created_at", "last_used_at"] },
];

const quote = (column: string) => `"${column.replaceAll('"', '""')}"`;

/**
 * Copies every account, session, passkey, bot token and read position of a
 * SQLite deployment (its chat file and its accounts file) into a migrated
 * Postgres one, in one transaction; a row already there (a second run) is
 * left as it is. Returns the accounts copied.
 */
export async function copyAccountTables(
  sources: { chat: Database.Database; accounts: Database.Database | null },
  postgresUrl: string,
): Promise<number> {
  const present = (source: Database.Database | null, table: string): source is Database.Database =>
    source?.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !==
    undefined;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    let accounts = 0;
    for (const table of TABLES) {
      const source = sources[table.from];
      if (!present(source, table.name)) continue;
      const rows = source.prepare(`SELECT * FROM ${table.name}`).all() as Record<string, unknown>[];
      for (const row of rows) {
        const columns = Object.keys(row);
        const values = columns.map((column) => {
          const value = row[column];
          if (value === null || value === undefined) return null;
          if (table.booleans?.includes(column)) return value === 1 || value === true;
          if (table.epochMs?.includes(column)) return new Date(Number(value));
          return value;
        });
        const inserted = await client.query(
          `INSERT INTO ${table.name} (${columns.map(quote).join(", ")})
           VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})
           ON CONFLICT (${table.key}) DO NOTHING`,
          values,
        );
        if (table.name === "auth_users") accounts += inserted.rowCount ?? 0;
      }
    }
    await client.query("COMMIT");
    return accounts;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    await client.end();
  }
}
