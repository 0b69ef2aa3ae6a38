import type { ChatMessage, Page, RoomSummary, User } from "../../shared/protocol";

export type { RoomSummary };

export type NewMessage = {
  room: string;
  clientId: string;
  author: User;
  text: string;
};

export type AppendResult = { message: ChatMessage; duplicate: boolean };

/**
 * Durable chat history and identities. Every method is asynchronous so that
 * engines with network round trips (Postgres) and embedded ones (SQLite) are
 * interchangeable; `appendMessage` resolves only after the message is
 * committed. An identity gets its row with its first write — its first
 * message (which also keeps the name it was sent with) or rename — and not
 * before: a connection that never writes leaves nothing behind.
 */
export interface ChatStore {
  /** Stores a message with the room's next seq, or returns the one this author already sent with that clientId. */
  appendMessage(input: NewMessage): Promise<AppendResult>;
  /**
   * The newest `limit` messages; `hasMore` says older ones exist. Every page
   * also stops before MAX_PAGE_BYTES (see page-bytes.ts), holding at least
   * one message, and says `hasMore` when it stopped short.
   */
  latestMessages(room: string, limit: number): Promise<Page>;
  /** Messages with seq < before, the newest `limit` of them; `hasMore` says older ones exist. */
  messagesBefore(room: string, before: number, limit: number): Promise<Page>;
  /** Messages with seq > after, the oldest `limit` of them; `hasMore` says newer ones exist. */
  messagesAfter(room: string, after: number, limit: number): Promise<Page>;
  /** The room's highest seq, 0 for a room with no messages. */
  latestSeq(room: string): Promise<number>;
  /**
   * Rooms by most recent activity, shared ones (where more than one author
   * wrote) before the rest, so that one author filling rooms alone cannot
   * push out the rooms where people talk.
   */
  recentRooms(limit: number): Promise<RoomSummary[]>;

  createUser(user: User): Promise<User>;
  /** The stored user; null for an identity that has never written (its row is made by its first write). */
  findUser(id: string): Promise<User | null>;
  /** Sets the name, making the identity's row if it has none yet. */
  renameUser(id: string, name: string): Promise<User>;

  /** Resolves when the database answers; used by readiness checks. */
  ping(): Promise<void>;
  /** Finishes pending writes, then releases the database. */
  close(): Promise<void>;
}

/** Raised by a store when its database cannot be reached; reported to clients as `unavailable`. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}
