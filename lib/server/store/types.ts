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
 * interchangeable; `appendMessage` resolves only after the message is committed.
 */
export interface ChatStore {
  /** Stores a message with the room's next seq, or returns the one this author already sent with that clientId. */
  appendMessage(input: NewMessage): Promise<AppendResult>;
  /** The newest `limit` messages; `hasMore` says older ones exist. */
  latestMessages(room: string, limit: number): Promise<Page>;
  /** Messages with seq < before, the newest `limit` of them; `hasMore` says older ones exist. */
  messagesBefore(room: string, before: number, limit: number): Promise<Page>;
  /** Messages with seq > after, the oldest `limit` of them; `hasMore` says newer ones exist. */
  messagesAfter(room: string, after: number, limit: number): Promise<Page>;
  /** The room's highest seq, 0 for a room with no messages. */
  latestSeq(room: string): Promise<number>;
  /** Rooms by most recent activity. */
  recentRooms(limit: number): Promise<RoomSummary[]>;

  createUser(user: User): Promise<User>;
  findUser(id: string): Promise<User | null>;
  renameUser(id: string, name: string): Promise<User | null>;

  /**
   * The identity's credential generation: cookies and bot tokens signed for an
   * older one are revoked. 0 for an identity whose credentials were never
   * revoked, whether or not it has a user row.
   */
  credentialGeneration(userId: string): Promise<number>;
  /** Revokes every credential issued to the identity so far; resolves with the new generation. */
  revokeCredentials(userId: string): Promise<number>;

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
