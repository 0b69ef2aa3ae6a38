import type { NotificationLevel, NotificationReason } from "../../../shared/protocol";
import type { NotificationClaim, NotificationStore, PushSubscriptionRecord } from "../types";
import type { PostgresDatabase } from "./database";

type ClaimRow = {
  user_id: string;
  message_id: string;
  room: string;
  seq: string;
  reason: string;
  pushed: boolean;
};
type SubscriptionRow = {
  endpoint: string;
  user_id: string;
  p256dh: string;
  auth: string;
  previews: boolean;
  created_at: Date;
  last_success_at: Date | null;
};

function claimOf(row: ClaimRow): NotificationClaim {
  return {
    userId: row.user_id,
    messageId: row.message_id,
    room: row.room,
    seq: Number(row.seq),
    reason: row.reason as NotificationReason,
  };
}

/** Notification levels, push subscriptions and claims. */
export class PostgresNotifications implements NotificationStore {
  constructor(private readonly database: PostgresDatabase) {}

  async levels(userId: string): Promise<Record<string, NotificationLevel>> {
    const rows = await this.database.query<{ room: string; level: NotificationLevel }>(
      "SELECT room, level FROM notification_levels WHERE user_id = $1",
      [userId],
    );
    return Object.fromEntries(rows.map((row) => [row.room, row.level]));
  }

  async roomLevels(room: string): Promise<Map<string, NotificationLevel>> {
    const rows = await this.database.query<{ user_id: string; level: NotificationLevel }>(
      "SELECT user_id, level FROM notification_levels WHERE room = $1",
      [room],
    );
    return new Map(rows.map((row) => [row.user_id, row.level]));
  }

  async setLevel(userId: string, room: string, level: NotificationLevel): Promise<void> {
    await this.database.query(
      `INSERT INTO notification_levels (user_id, room, level) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, room) DO UPDATE SET level = excluded.level, updated_at = now()`,
      [userId, room, level],
      "write",
    );
  }

  async subscribe(input: {
    endpoint: string;
    userId: string;
    p256dh: string;
    auth: string;
    previews: boolean;
  }): Promise<void> {
    await this.database.query(
      `INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, previews)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,
         auth = excluded.auth, previews = excluded.previews`,
      [input.endpoint, input.userId, input.p256dh, input.auth, input.previews],
      "write",
    );
  }

  async unsubscribe(userId: string, endpoint: string): Promise<boolean> {
    const rows = await this.database.query<{ endpoint: string }>(
      "DELETE FROM push_subscriptions WHERE endpoint = $1 AND user_id = $2 RETURNING endpoint",
      [endpoint, userId],
      "write",
    );
    return rows.length > 0;
  }

  async removeSubscription(endpoint: string): Promise<void> {
    await this.database.query(
      "DELETE FROM push_subscriptions WHERE endpoint = $1",
      [endpoint],
      "write",
    );
  }

  async subscriptions(userIds: readonly string[]): Promise<PushSubscriptionRecord[]> {
    if (userIds.length === 0) return [];
    const rows = await this.database.query<SubscriptionRow>(
      `SELECT * FROM push_subscriptions WHERE user_id = ANY($1::text[])
       ORDER BY user_id, created_at`,
      [userIds],
    );
    return rows.map((row) => ({
      endpoint: row.endpoint,
      userId: row.user_id,
      p256dh: row.p256dh,
      auth: row.auth,
      previews: row.previews,
      createdAt: row.created_at,
      lastSuccessAt: row.last_success_at,
    }));
  }

  async pushSucceeded(endpoint: string, at: Date): Promise<void> {
    await this.database.query(
      "UPDATE push_subscriptions SET last_success_at = $1 WHERE endpoint = $2",
      [at, endpoint],
      "write",
    );
  }

  async claim(claims: readonly NotificationClaim[]): Promise<NotificationClaim[]> {
    if (claims.length === 0) return [];
    // One statement for the whole list: the primary key decides which are new,
    // and a claim another instance made first is simply not returned.
    const rows = await this.database.query<ClaimRow>(
      `INSERT INTO notification_claims (user_id, message_id, room, seq, reason)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[])
       ON CONFLICT (user_id, message_id) DO NOTHING
       RETURNING *`,
      [
        claims.map((claim) => claim.userId),
        claims.map((claim) => claim.messageId),
        claims.map((claim) => claim.room),
        claims.map((claim) => claim.seq),
        claims.map((claim) => claim.reason),
      ],
      "write",
    );
    return rows.map(claimOf);
  }

  async claimsOf(messageId: string): Promise<NotificationClaim[]> {
    const rows = await this.database.query<ClaimRow>(
      "SELECT * FROM notification_claims WHERE message_id = $1 ORDER BY user_id",
      [messageId],
    );
    return rows.map(claimOf);
  }

  async markPushed(
    claims: readonly { userId: string; messageId: string }[],
  ): Promise<NotificationClaim[]> {
    if (claims.length === 0) return [];
    const rows = await this.database.query<ClaimRow>(
      `UPDATE notification_claims AS c SET pushed = true
       FROM unnest($1::text[], $2::text[]) AS w(user_id, message_id)
       WHERE c.user_id = w.user_id AND c.message_id = w.message_id AND NOT c.pushed
       RETURNING c.*`,
      [claims.map((claim) => claim.userId), claims.map((claim) => claim.messageId)],
      "write",
    );
    return rows.map(claimOf);
  }

  async withdraw(
    messageId: string,
    userIds?: readonly string[],
  ): Promise<(NotificationClaim & { pushed: boolean })[]> {
    const rows = userIds
      ? await this.database.query<ClaimRow>(
          `DELETE FROM notification_claims WHERE message_id = $1 AND user_id = ANY($2::text[])
           RETURNING *`,
          [messageId, userIds],
          "write",
        )
      : await this.database.query<ClaimRow>(
          "DELETE FROM notification_claims WHERE message_id = $1 RETURNING *",
          [messageId],
          "write",
        );
    return rows.map((row) => ({ ...claimOf(row), pushed: row.pushed }));
  }

  async readSeqs(room: string, userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.database.query<{ user_id: string; seq: string }>(
      "SELECT user_id, seq FROM read_positions WHERE room = $1 AND user_id = ANY($2::text[])",
      [room, userIds],
    );
    return new Map(rows.map((row) => [row.user_id, Number(row.seq)]));
  }
}
