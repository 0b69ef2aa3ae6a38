import type Database from "better-sqlite3";
import type { Invite, User } from "../../../shared/protocol";
import { monotonicTimeOrderedId } from "../time-ordered-id";
import type { InviteRefusal, InviteStore } from "../types";
import type { SqliteDatabase } from "./database";

type InviteRow = {
  id: string;
  room: string;
  created_by_id: string;
  created_by_name: string;
  expires_at: number;
  max_uses: number | null;
  uses: number;
  revoked: number;
  created_at: number;
};

const INVITE_SELECT = `SELECT i.id, i.room, i.created_by_id, coalesce(u.name, i.created_by_name) AS created_by_name,
  i.expires_at, i.max_uses, i.uses, i.revoked, i.created_at
  FROM invites i LEFT JOIN users u ON u.id = i.created_by_id`;

function toInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    room: row.room,
    createdBy: { id: row.created_by_id, name: row.created_by_name },
    expiresAt: new Date(row.expires_at).toISOString(),
    maxUses: row.max_uses,
    uses: row.uses,
    revoked: row.revoked !== 0,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function prepare(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO invites (id, room, token_hash, created_by_id, created_by_name, expires_at, max_uses, uses, revoked, created_at)
       VALUES (@id, @room, @token_hash, @created_by_id, @created_by_name, @expires_at, @max_uses, 0, 0, @created_at)`,
    ),
    insertUser: db.prepare<[string, string, number]>(
      "INSERT INTO users (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
    ),
    byId: db.prepare<[string], InviteRow>(`${INVITE_SELECT} WHERE i.id = ?`),
    byHash: db.prepare<[string], InviteRow & { token_hash: string }>(
      `${INVITE_SELECT} WHERE i.token_hash = ?`,
    ),
    // The conditions and the count in one statement: a use counts only while the invite admits.
    use: db.prepare<[string, number], { room: string }>(
      `UPDATE invites SET uses = uses + 1
       WHERE token_hash = ? AND revoked = 0 AND expires_at > ? AND (max_uses IS NULL OR uses < max_uses)
       RETURNING room`,
    ),
    list: db.prepare<[string], InviteRow>(`${INVITE_SELECT} WHERE i.room = ? ORDER BY i.id DESC`),
    revoke: db.prepare<[string, string]>(
      "UPDATE invites SET revoked = 1 WHERE room = ? AND id = ?",
    ),
  };
}

/** Invite links; only their tokens' hashes are stored. */
export class SqliteInvites implements InviteStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepare(database.db);
  }

  create(input: {
    room: string;
    tokenHash: string;
    createdBy: User;
    expiresAt: Date;
    maxUses: number | null;
  }): Promise<Invite> {
    return this.database.write(() => {
      const now = Date.now();
      // Ids in the order invites were made: the list is newest first by id.
      const id = monotonicTimeOrderedId(now);
      this.statements.insertUser.run(input.createdBy.id, input.createdBy.name, now);
      this.statements.insert.run({
        id,
        room: input.room,
        token_hash: input.tokenHash,
        created_by_id: input.createdBy.id,
        created_by_name: input.createdBy.name,
        expires_at: input.expiresAt.getTime(),
        max_uses: input.maxUses,
        created_at: now,
      });
      const row = this.statements.byId.get(id);
      if (!row) throw new Error("created invite was not found");
      return toInvite(row);
    });
  }

  async find(tokenHash: string): Promise<Invite | null> {
    const row = this.database.read(() => this.statements.byHash.get(tokenHash));
    return row ? toInvite(row) : null;
  }

  use(tokenHash: string, now: Date): Promise<{ room: string } | { refused: InviteRefusal }> {
    return this.database.write(() => {
      const used = this.statements.use.get(tokenHash, now.getTime());
      if (used) return { room: used.room };
      const row = this.statements.byHash.get(tokenHash);
      return { refused: row ? refusal(row, now.getTime()) : "not_found" };
    });
  }

  async list(room: string): Promise<Invite[]> {
    return this.database.read(() => this.statements.list.all(room)).map(toInvite);
  }

  revoke(room: string, id: string): Promise<boolean> {
    return this.database.write(() => this.statements.revoke.run(room, id).changes > 0);
  }
}

/** Why an invite that exists did not admit, the most lasting reason first. */
export function refusal(
  invite: { revoked: boolean | number; expires_at: number; max_uses: number | null; uses: number },
  now: number,
): InviteRefusal {
  if (invite.revoked) return "revoked";
  if (invite.expires_at <= now) return "expired";
  return "used_up";
}
