import { randomUUID } from "node:crypto";
import {
  BOT_TOKEN_TOUCH_INTERVAL_MS,
  type BotTokenRecord,
  type BotTokenStore,
  TooManyBotTokensError,
} from "../types";
import type { PostgresDatabase } from "./database";

type Row = {
  id: string;
  account_id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
};

const COLUMNS = "id, account_id, name, created_at, last_used_at";

function record(row: Row): BotTokenRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Bot tokens in the bot_tokens table (migration 8), shared by every instance. */
export class PostgresBotTokens implements BotTokenStore {
  constructor(private readonly database: PostgresDatabase) {}

  async create(
    accountId: string,
    name: string,
    tokenHash: string,
    maxPerAccount = Number.POSITIVE_INFINITY,
  ): Promise<BotTokenRecord> {
    const row = await this.database.run("write", () =>
      this.database.inTransaction(async (client) => {
        // Creations for one account (from any instance) take turns, so that
        // two at once cannot both see room for one more.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('bot_tokens:' || $1))", [
          accountId,
        ]);
        const held = await client.query<{ count: string }>(
          "SELECT count(*) AS count FROM bot_tokens WHERE account_id = $1",
          [accountId],
        );
        if (Number(held.rows[0]?.count ?? 0) >= maxPerAccount) return null;
        const inserted = await client.query<Row>(
          `INSERT INTO bot_tokens (id, account_id, name, token_hash, created_at)
           VALUES ($1, $2, $3, $4, now()) RETURNING ${COLUMNS}`,
          [randomUUID(), accountId, name, tokenHash],
        );
        return inserted.rows[0] ?? null;
      }),
    );
    if (!row) throw new TooManyBotTokensError(maxPerAccount);
    return record(row);
  }

  async list(accountId: string): Promise<BotTokenRecord[]> {
    const rows = await this.database.query<Row>(
      `SELECT ${COLUMNS} FROM bot_tokens WHERE account_id = $1 ORDER BY created_at, id`,
      [accountId],
    );
    return rows.map(record);
  }

  async findByHash(tokenHash: string): Promise<BotTokenRecord | null> {
    const [row] = await this.database.query<Row>(
      `SELECT ${COLUMNS} FROM bot_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    if (!row) return null;
    const now = Date.now();
    if (row.last_used_at !== null && row.last_used_at.getTime() > now - BOT_TOKEN_TOUCH_INTERVAL_MS)
      return record(row);
    // Conditional, so that connections racing on one token write it once.
    const [touched] = await this.database.query<Row>(
      `UPDATE bot_tokens SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= now() - make_interval(secs => $2))
       RETURNING ${COLUMNS}`,
      [row.id, BOT_TOKEN_TOUCH_INTERVAL_MS / 1000],
      "write",
    );
    if (touched) return record(touched);
    // Another connection wrote it first, or the token was revoked meanwhile: as it is now.
    const [current] = await this.database.query<Row>(
      `SELECT ${COLUMNS} FROM bot_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return current ? record(current) : null;
  }

  async revoke(accountId: string, id: string): Promise<boolean> {
    const rows = await this.database.query<{ id: string }>(
      "DELETE FROM bot_tokens WHERE account_id = $1 AND id = $2 RETURNING id",
      [accountId, id],
      "write",
    );
    return rows.length > 0;
  }

  async revokeAll(accountId: string): Promise<string[]> {
    const rows = await this.database.query<{ id: string }>(
      "DELETE FROM bot_tokens WHERE account_id = $1 RETURNING id",
      [accountId],
      "write",
    );
    return rows.map((row) => row.id);
  }
}
