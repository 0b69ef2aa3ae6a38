import { z } from "zod";
import { NOTIFICATION_LEVELS, type NotificationLevel } from "../notification-levels";
import { roomSchema, wellFormedString } from "./common";
import type { User } from "./users";

/**
 * Notifications: per room and person, a level saying what reaches them when
 * they are not looking (docs/protocol.md, "Notifications"). The server keeps
 * the levels (every device of the person sees the same), tells a person's
 * other connections when one changes, and decides who is notified of each
 * stored message.
 */

export {
  burstTag,
  DEFAULT_NOTIFICATION_LEVEL,
  NOTIFICATION_LEVELS,
  type NotificationLevel,
  notificationTag,
} from "../notification-levels";

export const notificationLevelSchema = z.enum(NOTIFICATION_LEVELS);

/** Why a person is notified of a message, the most specific first. */
export type NotificationReason = "direct" | "mention" | "room" | "here" | "message";

/** `notifications:get`: the person's levels (rooms left at the default are absent) and push setup. */
export const notificationsGetSchema = z.object({}).strict();
export type NotificationsGetRequest = z.input<typeof notificationsGetSchema>;
export type NotificationsGetResult = {
  levels: Record<string, NotificationLevel>;
  /** The server's VAPID public key (base64url) for `PushManager.subscribe`; null when push is off. */
  vapidPublicKey: string | null;
};

/** `notifications:set`: the person's level for one room they may read. */
export const notificationsSetSchema = z.object({
  room: roomSchema,
  level: notificationLevelSchema,
});
export type NotificationsSetRequest = z.input<typeof notificationsSetSchema>;
export type NotificationsSetResult = { room: string; level: NotificationLevel };

/** `notifications:changed`: another connection of the same person set a level. */
export type NotificationsChanged = { room: string; level: NotificationLevel };

/** Longest endpoint a browser's push service hands out with room to spare. */
export const MAX_PUSH_ENDPOINT_LENGTH = 2_048;
/** An uncompressed P-256 point (65 bytes) in base64url. */
const p256dhSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{86,88}={0,2}$/, "keys.p256dh must be a base64url P-256 public key");
/** A 16-byte secret in base64url. */
const authSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}={0,2}$/, "keys.auth must be a base64url 16-byte secret");
const endpointSchema = wellFormedString.max(MAX_PUSH_ENDPOINT_LENGTH).refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}, "endpoint must be an https URL");

/**
 * `push:subscribe`: a browser's PushSubscription (its `toJSON()`), for the
 * person of this connection. `previews`: whether pushes to it may carry the
 * message's text and author (off unless asked). The server refuses endpoints
 * that are not https on a public host (docs/security.md).
 */
export const pushSubscribeSchema = z.object({
  endpoint: endpointSchema,
  keys: z.object({ p256dh: p256dhSchema, auth: authSchema }),
  previews: z.boolean().default(false),
});
export type PushSubscribeRequest = z.input<typeof pushSubscribeSchema>;
export type PushSubscribeResult = { endpoint: string; previews: boolean };

/** `push:unsubscribe`: forget one of the person's subscriptions. */
export const pushUnsubscribeSchema = z.object({ endpoint: endpointSchema });
export type PushUnsubscribeRequest = z.input<typeof pushUnsubscribeSchema>;

/**
 * `notifications:visibility` (a notice): whether this connection's page is
 * visible. A connection that never says counts as visible (a bot, an old
 * client): pushes go only to people none of whose connections is visible.
 */
export const visibilitySchema = z.object({ visible: z.boolean() });
export type VisibilityNotice = z.input<typeof visibilitySchema>;

/**
 * `notification`: a message the person should hear of, sent to all their
 * connections; a hidden tab with permission shows it. `text` is the
 * message's (the connection may read the room: it is the person's own).
 */
export type NotificationEvent = {
  room: string;
  seq: number;
  messageId: string;
  reason: NotificationReason;
  author: User;
  text: string;
  /** The same as a push's, so a shown notification is closed by either channel's withdrawal. */
  tag: string;
};

/** `notification:withdrawn`: the message was deleted, or an edit took the mention away. */
export type NotificationWithdrawn = { room: string; messageId: string; tag: string };

/** What a push's encrypted body holds (JSON); text and author only with previews. */
export type PushPayload =
  | {
      type: "message";
      room: string;
      seq: number;
      messageId: string;
      tag: string;
      /** How many messages of the room this push stands for (a burst is one push). */
      count: number;
      reason: NotificationReason;
      author?: string;
      text?: string;
    }
  | { type: "withdraw"; room: string; messageId: string; tag: string };
