import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import {
  BOT_TOKEN_TOUCH_INTERVAL_MS,
  type BotTokenRecord,
  type BotTokenStore,
  TooManyBotTokensError,
} from "../types";
import type { SqliteDatabase } from "./database";

type Row = {
  id: string;
  account_id: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
};

const COLUMNS = "id, account_id, name, created_at, last_used_at";

function prepare(db: Database.Database) {
  return {
    count: db.prepare<[string], { count: number }>(
      "SELECT count(*) AS count FROM bot_tokens WHERE account_id = ?",
    ),
    insert: db.prepare<[string, string, string, string, number], Row>(
      `INSERT INTO bot_tokens (id, account_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)
       RETURNING ${COLUMNS}`,
    ),
    // Within one millisecond, the order of insertion (rowid) says which came first.
    list: db.prepare<[string], Row>(
      `SELECT ${COLUMNS} FROM bot_tokens WHERE account_id = ? ORDER BY created_at, rowid`,
    ),
    findByHash: db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM bot_tokens WHERE token_hash = ?`),
    // Conditional, so that connections racing on one token write it once.
    touch: db.prepare<[number, string, number], Row>(
      `UPDATE bot_tokens SET last_used_at = ?
       WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?) RETURNING ${COLUMNS}`,
    ),
    revoke: db.prepare<[string, string]>("DELETE FROM bot_tokens WHERE account_id = ? AND id = ?"),
    revokeAll: db.prepare<[string], { id: string }>(
      "DELETE FROM bot_tokens WHERE account_id = ? RETURNING id",
    ),
  };
}

function record(row: Row): BotTokenRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
  };
}

/** Bot tokens in the bot_tokens table (migration 8); times are epoch milliseconds. */
export class SqliteBotTokens implements BotTokenStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepare(database.db);
  }

  async create(
    accountId: string,
    name: string,
    tokenHash: string,
    maxPerAccount = Number.POSITIVE_INFINITY,
  ): Promise<BotTokenRecord> {
    // Inside the writer's transaction: no other write comes between the count and the insert.
    const row = await this.database.write(() => {
      const held = this.statements.count.get(accountId)?.count ?? 0;
      if (held >= maxPerAccount) return null;
      return this.statements.insert.get(randomUUID(), accountId, name, tokenHash, Date.now());
    });
    if (!row) throw new TooManyBotTokensError(maxPerAccount);
    return record(row);
  }

  async list(accountId: string): Promise<BotTokenRecord[]> {
    return this.database.read(() => this.statements.list.all(accountId)).map(record);
  }

  async findByHash(tokenHash: string): Promise<BotTokenRecord | null> {
    const row = this.database.read(() => this.statements.findByHash.get(tokenHash));
    if (!row) return null;
    const now = Date.now();
    if (row.last_used_at !== null && row.last_used_at > now - BOT_TOKEN_TOUCH_INTERVAL_MS)
      return record(row);
    const touched = await this.database.write(() =>
      this.statements.touch.get(now, row.id, now - BOT_TOKEN_TOUCH_INTERVAL_MS),
    );
    if (touched) return record(touched);
    // Another connection wrote it first, or the token was revoked meanwhile: as it is now.
    const current = this.database.read(() => this.statements.findByHash.get(tokenHash));
    return current ? record(current) : null;
  }

  async revoke(accountId: string, id: string): Promise<boolean> {
    const { changes } = await this.database.write(() => this.statements.revoke.run(accountId, id));
    return changes > 0;
  }

  async revokeAll(accountId: string): Promise<string[]> {
    const rows = await this.database.write(() => this.statements.revokeAll.all(accountId));
    return rows.map((row) => row.id);
  }
}
