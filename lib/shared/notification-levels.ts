/**
 * Notification levels and tags without zod: the browser bundle imports
 * these, and constructing zod object schemas there makes zod probe for
 * `eval`, which the Content-Security-Policy refuses (and reports).
 */

/** `all`: every message; `mentions`: direct rooms, mentions, @room, @here; `nothing`: none. */
export const NOTIFICATION_LEVELS = ["all", "mentions", "nothing"] as const;
export type NotificationLevel = (typeof NOTIFICATION_LEVELS)[number];
/** The level of a room the person never set one for. */
export const DEFAULT_NOTIFICATION_LEVEL: NotificationLevel = "mentions";

/** The tag of a message's notification: one per message, so a withdrawal finds it. */
export const notificationTag = (messageId: string) => `msg:${messageId}`;
/** The tag of a burst's notification in a room: later bursts replace it. */
export const burstTag = (room: string) => `room:${room}`;
