/** Limits that both the browser and the server enforce; the server is the authority. */

/** Longest message text, counted in Unicode code points. */
export const MAX_MESSAGE_CODE_POINTS = 4000;

/** Page size for history requests when the client names none. */
export const DEFAULT_PAGE_SIZE = 50;
/** History page sizes are clamped into this range rather than rejected. */
export const MIN_PAGE_SIZE = 1;
export const MAX_PAGE_SIZE = 200;

/**
 * A history page also stops at this many bytes (always holding at least one
 * message), with `hasMore` saying the rest is there: a page of the longest
 * messages would otherwise be megabytes for a request of sixty bytes.
 */
export const MAX_PAGE_BYTES = 256 * 1024;
/**
 * What one message counts for against MAX_PAGE_BYTES besides the UTF-8 bytes
 * of its text: its id, seq, clientId, room, author and time, as sent.
 */
export const MESSAGE_OVERHEAD_BYTES = 512;

/** Display names are short enough to fit beside a message on a phone. */
export const MAX_DISPLAY_NAME_CODE_POINTS = 32;

export const MAX_ROOM_NAME_LENGTH = 64;
export const MAX_CLIENT_ID_LENGTH = 64;

/**
 * The list of who is online that a joiner receives names at most this many
 * people (with the total): it keeps what a join storm costs linear in the
 * number of joiners, and more names than this are no use in a sidebar.
 */
export const MAX_PRESENCE_LISTED = 100;

/** While someone keeps typing, their client repeats `typing:start` this often, and no more. */
export const TYPING_REFRESH_MS = 3_000;

/**
 * Receivers forget a typist this long after their last `typing:start`, so
 * the indicator clears by itself when a typist vanishes. Longer than the
 * refresh, so one lost volatile event does not make it flicker.
 */
export const TYPING_EXPIRY_MS = 7_000;

/** Distinct emoji one message may carry; the 21st is refused with `reaction_limit`. */
export const MAX_REACTIONS_PER_MESSAGE = 20;
/** `reaction:users` names at most this many people (with the total count). */
export const MAX_REACTION_USERS_LISTED = 100;
/**
 * A client that is more than this many changes behind a room drops what it
 * holds and loads the newest page instead of replaying: at MAX_PAGE_SIZE
 * changes per `changes:after` page that is 10 round trips (about 0.5–2.5 MB),
 * already more than one fresh page of 50 messages plus the pages a reader
 * scrolls back to, which are current by construction.
 */
export const MAX_REPLAYED_CHANGES = 2_000;

/** Files one message may carry (`message:send`'s `attachments`). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
/** The default of MAX_UPLOAD_BYTES: the largest file one upload may be. */
export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
/** An upload that no message names within this long is removed. */
export const UNATTACHED_UPLOAD_TTL_MS = 60 * 60 * 1000;
