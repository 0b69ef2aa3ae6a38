import type { Fail } from "./errors";
import type {
  HistoryAfterRequest,
  HistoryBeforeRequest,
  MessageSendRequest,
  RoomJoinRequest,
  RoomLeaveRequest,
  TypingNotice,
  UserRenameRequest,
} from "./schemas";

/** The Socket.IO contract between browsers, bots and the server (see docs/protocol.md). */

export type User = {
  id: string;
  name: string;
  /**
   * Whether this identity is a guest — held only by a cookie or a bot token,
   * with no account. Absent means a guest: today every identity is one, and
   * the server leaves the field out. `false` is reserved for account holders.
   */
  guest?: boolean;
};

export type ChatMessage = {
  /** Server-assigned, unique. */
  id: string;
  room: string;
  /** Per room: 1, 2, 3, … exactly +1 per stored message. */
  seq: number;
  /** Idempotency key chosen by the sender. */
  clientId: string;
  author: User;
  /** Stored verbatim. */
  text: string;
  /** ISO-8601, server clock. */
  createdAt: string;
};

/** A room as the landing page lists it. */
export type RoomSummary = {
  name: string;
  latestSeq: number;
  /** ISO-8601 time of the newest message. */
  lastMessageAt: string;
};

/** A room as the landing page and the room switcher list it (`GET /api/rooms`). */
export type RoomListing = RoomSummary & {
  /** People online in it now. */
  online: number;
};

export type Ok<T extends object = object> = { ok: true } & T;
export type Result<T extends object = object> = Ok<T> | Fail;
export type Ack<T extends object = object> = (result: Result<T>) => void;

export type Page = { messages: ChatMessage[]; hasMore: boolean };
export type RoomJoinResult = Page & { room: string; latestSeq: number };
export type MessageSendResult = { message: ChatMessage; duplicate: boolean };
export type UserRenameResult = { user: User };

/**
 * Who the connection acts as. `token` is a bot token, sent only to a
 * connection that did not come with the browser's identity cookie: pass it as
 * `auth.token` to be the same identity on later connections.
 */
export type SessionInfo = { user: User; token?: string };

/** Every request a client can make: its payload and what a success acknowledges with. */
export type Requests = {
  "room:join": { request: RoomJoinRequest; result: RoomJoinResult };
  "room:leave": { request: RoomLeaveRequest; result: object };
  "message:send": { request: MessageSendRequest; result: MessageSendResult };
  "history:before": { request: HistoryBeforeRequest; result: Page };
  "history:after": { request: HistoryAfterRequest; result: Page };
  "user:rename": { request: UserRenameRequest; result: UserRenameResult };
};

export type RequestEvent = keyof Requests;
export type RequestOf<E extends RequestEvent> = Requests[E]["request"];
export type ResultOf<E extends RequestEvent> = Requests[E]["result"];

/**
 * Fire-and-forget events a client can send: no acknowledgement, and a lost one
 * does not matter (they are sent volatile and expire by themselves).
 */
export type Notices = {
  "typing:start": TypingNotice;
  "typing:stop": TypingNotice;
};

export type NoticeEvent = keyof Notices;

/** client → server: each request carries an acknowledgement callback; notices carry none. */
export type ClientToServerEvents = {
  [E in RequestEvent]: (request: RequestOf<E>, ack: Ack<ResultOf<E>>) => void;
} & {
  [E in NoticeEvent]: (notice: Notices[E]) => void;
};

/**
 * Who is online in a room, sent to a connection once after it joins. People,
 * not connections: someone with several tabs is listed once. At most
 * `MAX_PRESENCE_LISTED` are listed, by name; `count` is how many there are.
 */
export type PresenceList = { room: string; users: User[]; count: number };

/**
 * What changed since the last change, sent to the whole room: `online` holds
 * people who came online or changed their name (replace by id), `offline` the
 * ids of people who are no longer in the room on any connection. In a room of
 * more than `MAX_PRESENCE_LISTED` people, newcomers are not named but counted
 * in `arrivals`.
 */
export type PresenceChange = {
  room: string;
  online: User[];
  offline: string[];
  arrivals?: number;
};

/** Someone started or stopped typing in a room. */
export type Typing = { room: string; user: User };

export interface ServerToClientEvents {
  session: (session: SessionInfo) => void;
  "message:created": (message: ChatMessage) => void;
  "presence:listed": (list: PresenceList) => void;
  "presence:changed": (change: PresenceChange) => void;
  "typing:started": (typing: Typing) => void;
  "typing:stopped": (typing: Typing) => void;
}
