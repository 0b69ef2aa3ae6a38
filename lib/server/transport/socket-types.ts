import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents, User } from "../../shared/protocol";

/** Events between the instances of one deployment (through the Redis adapter). */
export type InterServerEvents = {
  /** A user was renamed on one instance; the others update their connections of that user. */
  "user:renamed": (user: User) => void;
};
export type SocketData = {
  user: User;
  /** The bot token this connection is told in `session`; none for a browser that came with its cookie. */
  botToken: string | undefined;
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
