import type Database from "better-sqlite3";
import type { NotificationLevel, NotificationReason } from "../../../shared/protocol";
import type { NotificationClaim, NotificationStore, PushSubscriptionRecord } from "../types";
import type { SqliteDatabase } from "./database";

type ClaimRow = {
  user_id: string;
  message_id: string;
  room: string;
  seq: number;
  reason: string;
  pushed: number;
};
type SubscriptionRow = {
  endpoint: string;
  user_id: string;
  p256dh: string;
  auth: string;
  previews: number;
  created_at: number;
  last_success_at: number | null;
};

function claimOf(row: ClaimRow): NotificationClaim {
  return {
    userId: row.user_id,
    messageId: row.message_id,
    room: row.room,
    seq: row.seq,
    reason: row.reason as NotificationReason,
  };
}

function subscriptionOf(row: SubscriptionRow): PushSubscriptionRecord {
  return {
    endpoint: row.endpoint,
    userId: row.user_id,
    p256dh: row.p256dh,
    auth: row.auth,
    previews: row.previews === 1,
    createdAt: new Date(row.created_at),
    lastSuccessAt: row.last_success_at === null ? null : new Date(row.last_success_at),
  };
}

/** SQLite caps a statement's parameters; lists of people are queried in chunks this long. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function prepare(db: Database.Database) {
  return {
    levels: db.prepare<[string], { room: string; level: string }>(
      "SELECT room, level FROM notification_levels WHERE user_id = ?",
    ),
    roomLevels: db.prepare<[string], { user_id: string; level: string }>(
      "SELECT user_id, level FROM notification_levels WHERE room = ?",
    ),
    setLevel: db.prepare<{ user: string; room: string; level: string; now: number }>(
      `INSERT INTO notification_levels (user_id, room, level, updated_at)
       VALUES (@user, @room, @level, @now)
       ON CONFLICT (user_id, room) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at`,
    ),
    subscribe: db.prepare<{
      endpoint: string;
      user: string;
      p256dh: string;
      auth: string;
      previews: number;
      now: number;
    }>(
      `INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, previews, created_at)
       VALUES (@endpoint, @user, @p256dh, @auth, @previews, @now)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,
         auth = excluded.auth, previews = excluded.previews`,
    ),
    unsubscribe: db.prepare<[string, string]>(
      "DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?",
    ),
    remove: db.prepare<[string]>("DELETE FROM push_subscriptions WHERE endpoint = ?"),
    succeeded: db.prepare<[number, string]>(
      "UPDATE push_subscriptions SET last_success_at = ? WHERE endpoint = ?",
    ),
    claim: db.prepare<{
      user: string;
      message: string;
      room: string;
      seq: number;
      reason: string;
      now: number;
    }>(
      `INSERT INTO notification_claims (user_id, message_id, room, seq, reason, claimed_at)
       VALUES (@user, @message, @room, @seq, @reason, @now)
       ON CONFLICT (user_id, message_id) DO NOTHING`,
    ),
    claimsOf: db.prepare<[string], ClaimRow>(
      "SELECT * FROM notification_claims WHERE message_id = ? ORDER BY user_id",
    ),
    markPushed: db.prepare<[string, string], ClaimRow>(
      `UPDATE notification_claims SET pushed = 1
       WHERE user_id = ? AND message_id = ? AND pushed = 0 RETURNING *`,
    ),
    withdrawOne: db.prepare<[string, string], ClaimRow>(
      "DELETE FROM notification_claims WHERE message_id = ? AND user_id = ? RETURNING *",
    ),
    withdrawAll: db.prepare<[string], ClaimRow>(
      "DELETE FROM notification_claims WHERE message_id = ? RETURNING *",
    ),
  };
}

/** Notification levels, push subscriptions and claims, written through the shared group commit. */
export class SqliteNotifications implements NotificationStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepare(database.db);
  }

  async levels(userId: string): Promise<Record<string, NotificationLevel>> {
    const rows = this.database.read(() => this.statements.levels.all(userId));
    return Object.fromEntries(rows.map((row) => [row.room, row.level as NotificationLevel]));
  }

  async roomLevels(room: string): Promise<Map<string, NotificationLevel>> {
    const rows = this.database.read(() => this.statements.roomLevels.all(room));
    return new Map(rows.map((row) => [row.user_id, row.level as NotificationLevel]));
  }

  async setLevel(userId: string, room: string, level: NotificationLevel): Promise<void> {
    await this.database.write(() =>
      this.statements.setLevel.run({ user: userId, room, level, now: Date.now() }),
    );
  }

  async subscribe(input: {
    endpoint: string;
    userId: string;
    p256dh: string;
    auth: string;
    previews: boolean;
  }): Promise<void> {
    await this.database.write(() =>
      this.statements.subscribe.run({
        endpoint: input.endpoint,
        user: input.userId,
        p256dh: input.p256dh,
        auth: input.auth,
        previews: input.previews ? 1 : 0,
        now: Date.now(),
      }),
    );
  }

  unsubscribe(userId: string, endpoint: string): Promise<boolean> {
    return this.database.write(() => this.statements.unsubscribe.run(endpoint, userId).changes > 0);
  }

  async removeSubscription(endpoint: string): Promise<void> {
    await this.database.write(() => this.statements.remove.run(endpoint));
  }

  async subscriptions(userIds: readonly string[]): Promise<PushSubscriptionRecord[]> {
    return this.database.read(() =>
      chunks(userIds).flatMap((chunk) =>
        this.database.db
          .prepare<string[], SubscriptionRow>(
            `SELECT * FROM push_subscriptions WHERE user_id IN (${chunk.map(() => "?").join(",")})
             ORDER BY user_id, created_at`,
          )
          .all(...chunk)
          .map(subscriptionOf),
      ),
    );
  }

  async pushSucceeded(endpoint: string, at: Date): Promise<void> {
    await this.database.write(() => this.statements.succeeded.run(at.getTime(), endpoint));
  }

  claim(claims: readonly NotificationClaim[]): Promise<NotificationClaim[]> {
    if (claims.length === 0) return Promise.resolve([]);
    return this.database.write(() => {
      const now = Date.now();
      return claims.filter(
        (claim) =>
          this.statements.claim.run({
            user: claim.userId,
            message: claim.messageId,
            room: claim.room,
            seq: claim.seq,
            reason: claim.reason,
            now,
          }).changes > 0,
      );
    });
  }

  async claimsOf(messageId: string): Promise<NotificationClaim[]> {
    return this.database.read(() => this.statements.claimsOf.all(messageId).map(claimOf));
  }

  markPushed(
    claims: readonly { userId: string; messageId: string }[],
  ): Promise<NotificationClaim[]> {
    if (claims.length === 0) return Promise.resolve([]);
    return this.database.write(() =>
      claims.flatMap((claim) => {
        const row = this.statements.markPushed.get(claim.userId, claim.messageId);
        return row ? [claimOf(row)] : [];
      }),
    );
  }

  withdraw(
    messageId: string,
    userIds?: readonly string[],
  ): Promise<(NotificationClaim & { pushed: boolean })[]> {
    return this.database.write(() => {
      const rows = userIds
        ? userIds.flatMap((userId) => this.statements.withdrawOne.all(messageId, userId))
        : this.statements.withdrawAll.all(messageId);
      return rows.map((row) => ({ ...claimOf(row), pushed: row.pushed === 1 }));
    });
  }

  async readSeqs(room: string, userIds: readonly string[]): Promise<Map<string, number>> {
    const rows = this.database.read(() =>
      chunks(userIds).flatMap((chunk) =>
        this.database.db
          .prepare<string[], { user_id: string; seq: number }>(
            `SELECT user_id, seq FROM read_positions
             WHERE room = ? AND user_id IN (${chunk.map(() => "?").join(",")})`,
          )
          .all(room, ...chunk),
      ),
    );
    return new Map(rows.map((row) => [row.user_id, row.seq]));
  }
}
