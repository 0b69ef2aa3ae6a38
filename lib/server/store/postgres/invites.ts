import type { Invite, User } from "../../../shared/protocol";
import { monotonicTimeOrderedId } from "../time-ordered-id";
import type { InviteRefusal, InviteStore } from "../types";
import type { PostgresDatabase } from "./database";

type InviteRow = {
  id: string;
  room: string;
  created_by_id: string;
  created_by_name: string;
  expires_at: Date;
  max_uses: number | null;
  uses: number;
  revoked: boolean;
  created_at: Date;
};

const INVITE_SELECT = `SELECT i.id, i.room, i.created_by_id, coalesce(u.name, i.created_by_name) AS created_by_name,
  i.expires_at, i.max_uses, i.uses, i.revoked, i.created_at
  FROM invites i LEFT JOIN users u ON u.id = i.created_by_id`;

function toInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    room: row.room,
    createdBy: { id: row.created_by_id, name: row.created_by_name },
    expiresAt: row.expires_at.toISOString(),
    maxUses: row.max_uses,
    uses: row.uses,
    revoked: row.revoked,
    createdAt: row.created_at.toISOString(),
  };
}

/** Invite links; only their tokens' hashes are stored. */
export class PostgresInvites implements InviteStore {
  constructor(private readonly database: PostgresDatabase) {}

  create(input: {
    room: string;
    tokenHash: string;
    createdBy: User;
    expiresAt: Date;
    maxUses: number | null;
  }): Promise<Invite> {
    return this.database.run("write", () =>
      this.database.inTransaction(async (client) => {
        await client.query(
          "INSERT INTO users (id, name, created_at) VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING",
          [input.createdBy.id, input.createdBy.name],
        );
        // Ids in the order invites were made: the list is newest first by id.
        const id = monotonicTimeOrderedId();
        await client.query(
          `INSERT INTO invites (id, room, token_hash, created_by_id, created_by_name, expires_at, max_uses, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp())`,
          [
            id,
            input.room,
            input.tokenHash,
            input.createdBy.id,
            input.createdBy.name,
            input.expiresAt,
            input.maxUses,
          ],
        );
        const { rows } = await client.query<InviteRow>(`${INVITE_SELECT} WHERE i.id = $1`, [id]);
        if (!rows[0]) throw new Error("created invite was not found");
        return toInvite(rows[0]);
      }),
    );
  }

  async find(tokenHash: string): Promise<Invite | null> {
    const rows = await this.database.query<InviteRow>(`${INVITE_SELECT} WHERE i.token_hash = $1`, [
      tokenHash,
    ]);
    return rows[0] ? toInvite(rows[0]) : null;
  }

  async use(tokenHash: string, now: Date): Promise<{ room: string } | { refused: InviteRefusal }> {
    // The conditions and the count in one statement: concurrent uses take
    // turns on the row, and each checks the conditions again on the row the
    // one before left, so a single-use invite admits exactly one.
    const used = await this.database.query<{ room: string }>(
      `UPDATE invites SET uses = uses + 1
       WHERE token_hash = $1 AND NOT revoked AND expires_at > $2 AND (max_uses IS NULL OR uses < max_uses)
       RETURNING room`,
      [tokenHash, now],
      "write",
    );
    if (used[0]) return { room: used[0].room };
    const rows = await this.database.query<InviteRow>(`${INVITE_SELECT} WHERE i.token_hash = $1`, [
      tokenHash,
    ]);
    const invite = rows[0];
    if (!invite) return { refused: "not_found" };
    if (invite.revoked) return { refused: "revoked" };
    if (invite.expires_at.getTime() <= now.getTime()) return { refused: "expired" };
    return { refused: "used_up" };
  }

  async list(room: string): Promise<Invite[]> {
    const rows = await this.database.query<InviteRow>(
      `${INVITE_SELECT} WHERE i.room = $1 ORDER BY i.id DESC`,
      [room],
    );
    return rows.map(toInvite);
  }

  async revoke(room: string, id: string): Promise<boolean> {
    return this.database.run("write", async () => {
      const result = await this.database.pool.query(
        "UPDATE invites SET revoked = true WHERE room = $1 AND id = $2",
        [room, id],
      );
      return (result.rowCount ?? 0) > 0;
    });
  }
}
