import type {
  AuditAction,
  AuditEntry,
  ChangesPage,
  ChatMessage,
  Invite,
  MemberChange,
  MemberChangeKind,
  NotificationLevel,
  NotificationReason,
  Page,
  ReactionUsersResult,
  RoomRole,
  RoomSummary,
  RoomVisibility,
  SearchHit,
  SearchOrder,
  User,
} from "../../shared/protocol";
import type { SearchQuery } from "../../shared/search-query";
import type { MessageMentions } from "./mention-rows";
import type { ChangeRefusal, MessageChange } from "./message-changes";
import { RETRY_AFTER_MS, type StorageFault } from "./storage-faults";
import type { StoreHealth } from "./store-health";

export type { RoomSummary };

export type NewMessage = {
  room: string;
  clientId: string;
  author: User;
  text: string;
  /** The id of the message this one answers, which must be in the same room. */
  replyTo?: string;
  /** Whom its text names, resolved by the server (lib/server/mentions/); absent: no one. */
  mentions?: MessageMentions;
  /**
   * Upload ids (in order) to attach: each must be a finished upload of this
   * author that no message holds yet, else the append is refused with
   * ChangeRefusedError("invalid_attachment") and nothing is written. A resend
   * of a stored clientId answers the stored message without looking at them.
   */
  attachments?: readonly string[];
};

export type AppendResult = { message: ChatMessage; duplicate: boolean };

export type { MessageChange, MessageMentions };

/** One change to a stored message, made by `actor` (who is authorised by the store's rules). */
export type ChangeRequest = { room: string; id: string; actor: User; change: MessageChange };

export type ChangeResult = {
  /** The message in its current state (reactions without `me`). */
  message: ChatMessage;
  /** False when the change changed nothing and took no rev: nothing to broadcast. */
  changed: boolean;
  /** The emoji the actor has reacted with on it, after the change: their `me`. */
  mine: string[];
  /** A delete released the message's files (its uploads): the file sweeper may remove them. */
  releasedFiles?: true;
};

/** One person's reaction, as the reactions table holds it: for copying a history as it is. */
export type StoredReaction = {
  room: string;
  seq: number;
  emoji: string;
  userId: string;
  rev: number;
};

/**
 * Part of a history written elsewhere (another store, a seeder), imported as
 * it is: same ids, seqs, revs, clientIds, authors, times and reactions.
 */
export type HistoryBatch = {
  users?: User[];
  messages?: ChatMessage[];
  reactions?: StoredReaction[];
  credentialGenerations?: { userId: string; generation: number }[];
  /** Rooms' settings and counters (counters only go up; settings are taken as they are). */
  rooms?: StoredRoomRecord[];
  memberships?: StoredMembership[];
  invites?: StoredInvite[];
  audit?: AuditEntry[];
  directRooms?: { userLow: string; userHigh: string; room: string }[];
  /** Uploads' rows as they are (attached, released or not): the files stay readable after a move. */
  uploads?: StoredUpload[];
};

/** A room's row as it is, for copying a history: its settings and counters. */
export type StoredRoomRecord = StoredRoom & {
  latestSeq: number;
  latestRev: number;
  lastMessageAt: Date;
};

/** A membership's row as it is, for copying a history: its state and its latest change. */
export type StoredMembership = StoredMember & {
  kind: MemberChangeKind;
  by: User | null;
  changedAt: Date;
};

/** An invite's row as it is, for copying a history (with its token's hash, never the token). */
export type StoredInvite = {
  id: string;
  room: string;
  tokenHash: string;
  createdBy: User;
  expiresAt: Date;
  maxUses: number | null;
  uses: number;
  revoked: boolean;
  createdAt: Date;
};

/**
 * A change the store's rules refuse (see message-changes.ts): nothing was
 * written. The handlers answer it with its code.
 */
export class ChangeRefusedError extends Error {
  override name = "ChangeRefusedError";
  constructor(readonly code: ChangeRefusal) {
    super(code);
  }
}

/**
 * Durable chat history and identities. Every method is asynchronous so that
 * engines with network round trips (Postgres) and embedded ones (SQLite) are
 * interchangeable; `messages.append` resolves only after the message is
 * committed. An identity gets its row with its first write — its first
 * message (which also keeps the name it was sent with) or rename — and not
 * before: a connection that never writes leaves nothing behind.
 */
export interface ChatStore {
  /** A room's messages and their change log (Mattermost's store.go shape: one store per aggregate). */
  readonly messages: MessageStore;
  /** Rooms' counters and the landing page's list. */
  readonly rooms: RoomStore;
  /** Identities: names and credential generations. */
  readonly users: UserStore;
  /** Accounts' bot tokens: their hashes, names and last use. */
  readonly botTokens: BotTokenStore;
  /** How far each account holder has read in each room, for every device they sign in on. */
  readonly reads: ReadPositionStore;
  /** Who is in each room, with which role; bans and mutes. */
  readonly members: MemberStore;
  /** Invite links to rooms (only their tokens' hashes). */
  readonly invites: InviteStore;
  /** What moderators and owners did, per room; kept when the message it names is gone. */
  readonly audit: AuditStore;
  /** Notification levels, push subscriptions, and who was notified of which message. */
  readonly notifications: NotificationStore;
  /** Finished uploads: what each file is, who sent it, and which message (if any) holds it. */
  readonly uploads: UploadStore;
  /**
   * Whether the store's writes are succeeding, fed by its own write results
   * (and a probe write while they fail); read by readiness checks and metrics.
   */
  readonly health: StoreHealth;

  /** Resolves when the database answers; used by readiness checks. */
  ping(): Promise<void>;
  /** Finishes pending writes, then releases the database. */
  close(): Promise<void>;
}

/**
 * A room's messages and their change log. Every change — a message stored,
 * edited, deleted, a reaction added or removed — takes the room's next rev
 * in the transaction that makes it, so revs are 1, 2, 3, … without gaps and
 * each message carries the rev of its latest change.
 */
export interface MessageStore {
  /**
   * Stores a message with the room's next seq (and rev), or returns the one
   * this author already sent with that clientId. Rejects with
   * ChangeRefusedError("not_found") when `replyTo` names no message of the room.
   */
  append(input: NewMessage): Promise<AppendResult>;
  /**
   * Applies one change (message-changes.ts has the rules), or rejects with
   * ChangeRefusedError. A change that changes nothing succeeds, unchanged.
   * A deleted message keeps its seq, with no text and no reactions, and its
   * text is kept nowhere.
   */
  change(input: ChangeRequest): Promise<ChangeResult>;
  /**
   * Bulk import for the copy tool and the bench's seeding: each room's
   * latestSeq and latestRev become at least the highest imported, and
   * running it again skips what is already there. A message at a seq that
   * holds another message is refused (the target is not a copy). SQLite
   * commits batch by batch; Postgres imports every batch in one transaction.
   */
  importHistory(
    batches: Iterable<HistoryBatch> | AsyncIterable<HistoryBatch>,
  ): Promise<{ messages: number }>;
  /**
   * Messages and memberships whose latest change has rev > after, ascending
   * by rev, each once in its current state, at most `limit` of both together
   * (and bounded in bytes like pages); `hasMore` when some were left out.
   */
  changesAfter(room: string, after: number, limit: number): Promise<ChangesPage>;
  /**
   * The first `limit` people who reacted to a message with an emoji (their
   * current names), in reaction order, and how many did; rejects with
   * ChangeRefusedError("not_found") for no such message in the room.
   */
  reactionUsers(
    room: string,
    id: string,
    emoji: string,
    limit: number,
  ): Promise<ReactionUsersResult>;
  /** Of these messages (ids), the emoji `userId` reacted with: for the `me` of their answers. */
  ownReactions(
    room: string,
    userId: string,
    messages: readonly ChatMessage[],
  ): Promise<Map<string, string[]>>;
  /**
   * The newest `limit` messages; `hasMore` says older ones exist. Every page
   * also stops before MAX_PAGE_BYTES (see page-bytes.ts), holding at least
   * one message, and says `hasMore` when it stopped short.
   */
  latest(room: string, limit: number): Promise<Page>;
  /** Messages with seq < before, the newest `limit` of them; `hasMore` says older ones exist. */
  before(room: string, before: number, limit: number): Promise<Page>;
  /** Messages with seq > after, the oldest `limit` of them; `hasMore` says newer ones exist. */
  after(room: string, after: number, limit: number): Promise<Page>;
  /**
   * Full-text search over current text (an edit re-indexes, a delete
   * removes), in the rooms `viewer` may list (as `rooms.recent` scopes them;
   * the caller still asks `can(read)` of every room it reveals). Highlights
   * come from the engine (FTS5 `highlight`, Postgres `ts_headline`).
   */
  search(input: SearchInput): Promise<{ hits: SearchHit[]; hasMore: boolean }>;
  /**
   * The messages that name `userId` now (an edit that drops the name, or a
   * delete, removes them), newest first, older than the message id `before`,
   * in every room: the caller asks `can(read)` of each room it reveals.
   */
  mentionsOf(userId: string, before: string | undefined, limit: number): Promise<Page>;
  /** For each of these rooms, the seqs of the newest `perRoom` messages that name `userId`, descending. */
  mentionSeqs(
    userId: string,
    rooms: readonly string[],
    perRoom: number,
  ): Promise<Record<string, number[]>>;
}

/** One search as the store runs it: the parsed query, with names resolved by the caller. */
export type SearchInput = {
  query: SearchQuery;
  viewer: RoomViewer;
  /** Only these rooms (the request's `room` and `in:` together); absent: every room in scope. */
  rooms?: string[];
  /** `from:` resolved to user ids; an empty list finds nothing. Absent: anyone. */
  authorIds?: string[];
  order: SearchOrder;
  /** The id of the previous page's last hit. */
  before?: string;
  limit: number;
};

/** A room's settings as stored. */
export type StoredRoom = {
  name: string;
  visibility: RoomVisibility;
  /** "" for none. */
  topic: string;
  /** Null for a room made before rooms had owners, or whose owner left. */
  ownerId: string | null;
  createdAt: Date;
};

/** Who may see which rooms in a listing: public ones, and those they are a member of (admins: private too). */
export type RoomViewer = { userId: string | null; admin: boolean };

/** A room's name is taken (by any room, of any visibility): nothing was written. */
export class RoomExistsError extends Error {
  override name = "RoomExistsError";
  constructor(readonly room: string) {
    super(`room ${room} exists`);
  }
}

/** Rooms as their counters, settings and the landing page see them. */
export interface RoomStore {
  /** The room's settings; null for a name nothing was made under (or a deleted room). */
  info(room: string): Promise<StoredRoom | null>;
  /**
   * Makes a room, its creator its owner: the owner's membership is the
   * room's first change (rev 1, kind "joined", role "owner"). Rejects with
   * RoomExistsError when the name is taken, writing nothing. A room that
   * exists only because messages were written to it before rooms had
   * settings counts as taken.
   */
  create(input: {
    name: string;
    visibility: RoomVisibility;
    topic: string;
    owner: User;
  }): Promise<{ room: StoredRoom; change: MemberChange }>;
  /** Changes settings; null when there is no such room. Takes no rev. */
  update(
    room: string,
    patch: { topic?: string; visibility?: "public" | "private"; ownerId?: string | null },
  ): Promise<StoredRoom | null>;
  /**
   * Deletes the room and everything of it — messages, reactions, memberships,
   * bans, invites, read positions, notification levels and claims, its
   * direct-room pairing — in one
   * transaction; its audit log stays. False when there was no such room.
   */
  remove(room: string): Promise<boolean>;
  /** The direct room of these two people (in either order), or null. */
  directRoom(a: string, b: string): Promise<string | null>;
  /**
   * The direct room of these two people: found when they have one, else
   * made under `name` with both as members (role "member"). Rejects with
   * RoomExistsError when `name` is taken by another room (the caller picks
   * another name). `changes` holds the membership changes it made.
   */
  openDirect(
    a: User,
    b: User,
    name: string,
  ): Promise<{ room: StoredRoom; created: boolean; changes: MemberChange[] }>;
  /** The rooms the person is a member of (not left, kicked or banned), with their role. */
  memberRooms(userId: string): Promise<{ room: StoredRoom; role: RoomRole }[]>;

  /** The room's highest seq, 0 for a room with no messages. */
  latestSeq(room: string): Promise<number>;
  /** The room's highest rev, 0 for a room with no messages. */
  latestRev(room: string): Promise<number>;
  /**
   * Rooms by most recent activity, shared ones (where more than one author
   * wrote) before the rest, so that one author filling rooms alone cannot
   * push out the rooms where people talk. Only public rooms without a viewer;
   * with one, also the private and direct rooms they are a member of (an
   * admin: every private room, but no one else's direct rooms). A room made
   * with no message yet is listed at the time it was made.
   */
  recent(limit: number, viewer?: RoomViewer): Promise<StoredRoomSummary[]>;
}

/** A listed room: its counters and settings. */
export type StoredRoomSummary = RoomSummary & { visibility: RoomVisibility; topic: string };

/** One person's place in one room, as stored. */
export type StoredMember = {
  room: string;
  userId: string;
  /** Null when not a member now (left, kicked, banned). */
  role: RoomRole | null;
  banned: boolean;
  /** Epoch ms; null when not muted. */
  mutedUntil: number | null;
  /** When they last became a member. */
  joinedAt: Date;
  /** The rev of this membership's latest change. */
  rev: number;
};

/**
 * One change to a membership. What each kind stores: joined/added → a
 * member with `role` (default "member"); left/kicked → no longer a member;
 * banned → no longer a member and banned; unbanned → not banned (and not a
 * member); role → the new `role`; muted → `mutedUntil`; unmuted → no mute.
 */
export type MembershipChangeInput = {
  room: string;
  /** The person changed; their users row is made (with this name) if they have none yet. */
  user: User;
  kind: MemberChangeKind;
  role?: RoomRole;
  mutedUntil?: number | null;
  /** Who did it; null for the person themselves. */
  by: User | null;
};

/**
 * Memberships of rooms. Every change takes the room's next rev, like a
 * message change (the room's row is made if it has none: a public room
 * joined before its first message), so `changes:after` carries it.
 */
export interface MemberStore {
  /** The person's place in the room; null when they never had one. */
  standing(room: string, userId: string): Promise<StoredMember | null>;
  /** Current members (not left, kicked or banned), ordered by user id, after `after`. */
  list(
    room: string,
    after: string | undefined,
    limit: number,
  ): Promise<{ members: (StoredMember & { user: User })[]; hasMore: boolean }>;
  /** How many current members the room has. */
  count(room: string): Promise<number>;
  /**
   * Up to `limit` current members whose name starts with `prefix`
   * (case-insensitive as users.findByName is), by name: the people an
   * `@prefix…` may mention, without listing the room.
   */
  findByName(room: string, prefix: string, limit: number): Promise<User[]>;
  /**
   * Applies one change with the room's next rev and resolves with it as
   * `member:changed` carries it. A change that changes nothing (joining as a
   * member, leaving when not one) takes no rev and resolves with `changed: false`.
   */
  change(input: MembershipChangeInput): Promise<{ change: MemberChange; changed: boolean }>;
}

/** Why an invite token does not admit: nothing was used up. */
export type InviteRefusal = "not_found" | "expired" | "used_up" | "revoked";

/** Invite links, found by the SHA-256 of their token; the token itself is never stored. */
export interface InviteStore {
  create(input: {
    room: string;
    tokenHash: string;
    createdBy: User;
    expiresAt: Date;
    maxUses: number | null;
  }): Promise<Invite>;
  /** The invite of this token hash, for the invite page; null when there is none. */
  find(tokenHash: string): Promise<Invite | null>;
  /**
   * Uses the invite once, atomically: counts the use and resolves with its
   * room, or with why not (no such token, expired at `now`, used up, revoked).
   */
  use(tokenHash: string, now: Date): Promise<{ room: string } | { refused: InviteRefusal }>;
  /** The room's invites, newest first, revoked and expired ones included. */
  list(room: string): Promise<Invite[]>;
  /** Revokes one of the room's invites; false when the room has no invite of that id. */
  revoke(room: string, id: string): Promise<boolean>;
}

/** The audit log of moderation, per room. */
export interface AuditStore {
  record(entry: {
    room: string;
    action: AuditAction;
    actor: User;
    target: User | null;
    message: { id: string; seq: number } | null;
    detail: string;
  }): Promise<AuditEntry>;
  /** Newest first; `before` is an entry id. */
  list(
    room: string,
    before: string | undefined,
    limit: number,
  ): Promise<{ entries: AuditEntry[]; hasMore: boolean }>;
}

/** Identities: names and credential generations. */
export interface UserStore {
  create(user: User): Promise<User>;
  /** The stored user; null for an identity that has never written (its row is made by its first write). */
  find(id: string): Promise<User | null>;
  /** Sets the name, making the identity's row if it has none yet. */
  rename(id: string, name: string): Promise<User>;
  /** Up to `limit` stored users whose name starts with `prefix` (case-insensitive), by name. */
  findByName(prefix: string, limit: number): Promise<User[]>;

  /**
   * The identity's credential generation: cookies and bot tokens signed for an
   * older one are revoked. 0 for an identity whose credentials were never
   * revoked, whether or not it has a user row.
   */
  credentialGeneration(userId: string): Promise<number>;
  /** Revokes every credential issued to the identity so far; resolves with the new generation. */
  revokeCredentials(userId: string): Promise<number>;
}

/** One bot token as stored: never the token itself, only its SHA-256. */
export type BotTokenRecord = {
  /** Also the bot's chat identity (users.id): each token speaks as its own user. */
  id: string;
  /** The better-auth account (auth_users.id) that made it. */
  accountId: string;
  name: string;
  createdAt: Date;
  /** When a connection last proved itself with it (kept to the minute), null before the first. */
  lastUsedAt: Date | null;
};

/** Accounts' bot tokens, found by the hash of the token a bot presents. */
export interface BotTokenStore {
  /**
   * Stores a new token under a new id (a uuid). Rejects with
   * TooManyBotTokensError, writing nothing, when the account already holds
   * `maxPerAccount`; the count and the insert are one atomic step.
   */
  create(
    accountId: string,
    name: string,
    tokenHash: string,
    maxPerAccount?: number,
  ): Promise<BotTokenRecord>;
  /** The account's tokens, oldest first. */
  list(accountId: string): Promise<BotTokenRecord[]>;
  /**
   * The token with this hash, or null. Marks it used: `lastUsedAt` is written
   * at most once a minute per token, so that a reconnecting bot costs no write.
   */
  findByHash(tokenHash: string): Promise<BotTokenRecord | null>;
  /** Deletes the account's token; false when the account has no token of that id (another's, or none). */
  revoke(accountId: string, id: string): Promise<boolean>;
  /** Deletes every token of the account; resolves with the ids deleted. */
  revokeAll(accountId: string): Promise<string[]>;
}

/** How often a token's `lastUsedAt` is written, at most. */
export const BOT_TOKEN_TOUCH_INTERVAL_MS = 60_000;

/** The account holds as many bot tokens as it may: nothing was written. */
export class TooManyBotTokensError extends Error {
  override name = "TooManyBotTokensError";
  constructor(readonly maxPerAccount: number) {
    super(`an account may hold at most ${maxPerAccount} bot tokens`);
  }
}

/**
 * How far a person has read in each room, kept for account holders (guests
 * keep theirs in the browser). A position only moves forward, so devices
 * marking at once, or a mark that arrives late, never move it back.
 */
export interface ReadPositionStore {
  /**
   * Moves the person's position in the room forward to `seq`, in one
   * statement, and resolves with the position now stored: `seq`, or a later
   * one already there. A seq beyond the room's latest is clamped to it (0
   * for a room with no messages): nobody can have read what was not yet
   * written, and a position ahead of the room would hide its next messages.
   */
  mark(userId: string, room: string, seq: number): Promise<number>;
  /** Every stored position of the person, by room; rooms never marked are absent. */
  positions(userId: string): Promise<Record<string, number>>;
}

/**
 * Raised by a store when its storage fails, not the request: the database
 * cannot be reached, its disk is full, another process holds its lock, an I/O
 * error. Reported to clients as `unavailable` with `retryAfterMs`; nothing was
 * written, and the same request succeeds once the fault is gone.
 */
export class StoreUnavailableError extends Error {
  /** What went wrong, when the store knows; absent for causes it could not classify. */
  readonly fault: StorageFault | undefined;
  readonly retryAfterMs: number;

  constructor(
    message: string,
    options: { cause?: unknown; fault?: StorageFault; retryAfterMs?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "StoreUnavailableError";
    this.fault = options.fault;
    this.retryAfterMs = options.retryAfterMs ?? RETRY_AFTER_MS[options.fault?.kind ?? "connection"];
  }
}

/** The store found its data damaged and stopped writing: unavailable until an operator restores it. */
export class StoreCorruptError extends StoreUnavailableError {
  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, {
      cause: options.cause,
      fault: { kind: "corrupt", code: options.code ?? "corrupt" },
    });
    this.name = "StoreCorruptError";
  }
}

/**
 * The database cannot be opened as it is: not a database, damaged, locked by
 * another process for longer than a start may wait, or on a full disk. The
 * message names the file and what is wrong, for the operator reading the
 * start-up output; server.ts prints it instead of a stack.
 */
export class StoreOpenError extends Error {
  override name = "StoreOpenError";
}

/** One browser's push subscription, as stored (its keys are the browser's public ones). */
export type PushSubscriptionRecord = {
  endpoint: string;
  userId: string;
  p256dh: string;
  auth: string;
  /** Pushes to it may carry the message's text and author. */
  previews: boolean;
  createdAt: Date;
  lastSuccessAt: Date | null;
};

/** That a person is (to be) notified of a message: at most one per person and message. */
export type NotificationClaim = {
  userId: string;
  messageId: string;
  room: string;
  seq: number;
  reason: NotificationReason;
};

/**
 * Notifications: each person's level per room (no row: the default), their
 * browsers' push subscriptions (an endpoint belongs to one person: the last
 * to subscribe it), and claims — one row per person and message, made before
 * they are told, so that no instance, retry or edit tells them twice.
 */
export interface NotificationStore {
  /** The person's levels, by room; rooms at the default are absent. */
  levels(userId: string): Promise<Record<string, NotificationLevel>>;
  /** The levels set in a room, by person; people at the default are absent. */
  roomLevels(room: string): Promise<Map<string, NotificationLevel>>;
  setLevel(userId: string, room: string, level: NotificationLevel): Promise<void>;

  /** Stores (or replaces: same endpoint, new keys or person) a subscription. */
  subscribe(input: {
    endpoint: string;
    userId: string;
    p256dh: string;
    auth: string;
    previews: boolean;
  }): Promise<void>;
  /** Forgets the person's subscription of that endpoint; false when they had none. */
  unsubscribe(userId: string, endpoint: string): Promise<boolean>;
  /** Forgets a subscription whoever holds it (its push service answered 404 or 410). */
  removeSubscription(endpoint: string): Promise<void>;
  /** The subscriptions of these people. */
  subscriptions(userIds: readonly string[]): Promise<PushSubscriptionRecord[]>;
  /** A push to it was accepted by its push service. */
  pushSucceeded(endpoint: string, at: Date): Promise<void>;

  /** Makes the claims not yet made; resolves with those this call made (the others were made before). */
  claim(claims: readonly NotificationClaim[]): Promise<NotificationClaim[]>;
  /** The claims made on a message. */
  claimsOf(messageId: string): Promise<NotificationClaim[]>;
  /**
   * Marks these claims pushed, and resolves with the ones this call marked:
   * a claim is pushed once, whichever instance asks first.
   */
  markPushed(
    claims: readonly { userId: string; messageId: string }[],
  ): Promise<NotificationClaim[]>;
  /**
   * Removes the message's claims of these people (all, when absent) and
   * resolves with them and whether each had been pushed (a withdrawal is
   * pushed only where a notification was).
   */
  withdraw(
    messageId: string,
    userIds?: readonly string[],
  ): Promise<(NotificationClaim & { pushed: boolean })[]>;
  /** How far each of these people has read in the room (absent: never marked). */
  readSeqs(room: string, userIds: readonly string[]): Promise<Map<string, number>>;
}

/**
 * A finished upload. Its bytes live in file storage (lib/server/files/) under
 * `contentKey` — the SHA-256 of the content, so equal files are stored once —
 * and its image variants under `<contentKey>.<variant>`; the row is written
 * only once they are durably there.
 */
export type StoredUpload = {
  id: string;
  uploaderId: string;
  /** The address it came from (per-address quotas). */
  address: string;
  name: string;
  size: number;
  /** Sniffed from the content. */
  type: string;
  contentKey: string;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  /** The variants made (`thumb`, `preview`), empty for anything but an image. */
  variants: string[];
  createdAt: Date;
  /** The message holding it and its room; null while unattached. */
  messageId: string | null;
  room: string | null;
  /** Its message was deleted: nobody may read it any more, and the sweeper removes it. */
  released: boolean;
};

export type NewUpload = Omit<StoredUpload, "messageId" | "room" | "released">;

/**
 * Uploads' records. Attaching happens inside `messages.append` (one
 * transaction with the message); a delete of the message marks its uploads
 * released in the transaction of the delete. Removing bytes is the file
 * sweeper's job: it asks `releasable`, removes what `forget` says nothing
 * refers to any more, and only then are they gone.
 */
export interface UploadStore {
  /** Records a finished upload whose content and variants are already durable in file storage. */
  add(upload: NewUpload): Promise<void>;
  find(id: string): Promise<StoredUpload | null>;
  /** Bytes and files uploaded since `since` by this person or from this address (quotas). */
  usage(
    by: { uploaderId: string } | { address: string },
    since: Date,
  ): Promise<{ bytes: number; files: number }>;
  /**
   * Uploads nobody can reach: never attached and created before
   * `unattachedBefore`, or released by a delete. At most `limit`, oldest first.
   */
  releasable(unattachedBefore: Date, limit: number): Promise<StoredUpload[]>;
  /**
   * Forgets these uploads' rows; answers the content keys no remaining row
   * refers to, which the caller then removes from file storage (with their variants).
   * A row a message holds and no delete released is kept: a send may attach
   * an old unattached upload between `releasable` and `forget`.
   */
  forget(ids: readonly string[]): Promise<string[]>;
  /** Every content key some row refers to, from `after` on, at most `limit` ascending: the sweeper's check of storage for strays. */
  contentKeys(after: string, limit: number): Promise<string[]>;
}
