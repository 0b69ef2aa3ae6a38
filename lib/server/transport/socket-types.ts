import type { Server, Socket } from "socket.io";
import type {
  AccountRole,
  ClientToServerEvents,
  ServerToClientEvents,
  User,
} from "../../shared/protocol";

/** Events between the instances of one deployment (through the Redis adapter). */
export type InterServerEvents = {
  /** A user was renamed on one instance; the others update their connections of that user. */
  "user:renamed": (user: User) => void;
  /** A sign-in session ended: instances forget what they cached of it. */
  "accounts:session-ended": (sessionId: string) => void;
  /** An account was disabled: instances forget what they cached of its sessions. */
  "accounts:account-disabled": (accountId: string) => void;
  /** A person's standing in a room changed: instances forget what they cached of it. */
  "rooms:membership-changed": (room: string, userId: string) => void;
  /** A room's settings changed, or it was made or deleted (then its standings are forgotten too). */
  "rooms:room-changed": (room: string, deleted: boolean) => void;
};
export type SocketData = {
  user: User;
  /** The bot token this connection is told in `session`; none for a browser that came with its cookie. */
  botToken: string | undefined;
  /** The account the connection is signed in to; absent for a guest. */
  account?: ConnectionAccount;
  /** Whether its page is visible (`notifications:visibility`); unsaid counts as visible. */
  visible?: boolean;
};

/** Which account, through which session (none for a bot token), with what role. */
export type ConnectionAccount = {
  accountId: string;
  email: string;
  role: AccountRole;
  /** The better-auth session the cookie named; null when a bot token authenticated. */
  sessionId: string | null;
  /** The bot token that authenticated, when one did. */
  botTokenId?: string;
};
export type ChatIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/** The Socket.IO room that holds every connection of one user (their tabs). */
export const userRoom = (userId: string) => `user:${userId}`;

/** Every connection made through one sign-in session: ended together when it is. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/** Every connection made with one bot token: revoking the token ends them. */
export const botTokenRoom = (tokenId: string) => `bot-token:${tokenId}`;

/** Every connection of one account, on every device. */
export const accountRoom = (accountId: string) => `account:${accountId}`;
