import type { User } from "../../shared/protocol";
import { type ChatIo, userRoom } from "./chat-types";

/** The connections of one user (their tabs, or a bot's workers) on this server. */
function connectionsOf(io: ChatIo, userId: string) {
  const ids = io.of("/").adapter.rooms.get(userRoom(userId)) ?? new Set<string>();
  return [...ids].flatMap((id) => io.of("/").sockets.get(id) ?? []);
}

/** Whether some open connection of this user still acts under another name. */
export function hasStaleConnections(io: ChatIo, user: User): boolean {
  return connectionsOf(io, user.id).some((socket) => socket.data.user.name !== user.name);
}

type UserListener = (user: User) => void;
const listeners = new WeakMap<ChatIo, Set<UserListener>>();

/** Calls back after a user's connections on this server took a new record (a rename). */
export function onUserAnnounced(io: ChatIo, listener: UserListener): () => void {
  let set = listeners.get(io);
  if (!set) {
    set = new Set();
    listeners.set(io, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * Makes every connection of the user act under its current record, so messages
 * sent from any of them after a rename carry the new name, and tells each of
 * them with a new `session`.
 */
export function announceUser(io: ChatIo, user: User, token: string): void {
  for (const socket of connectionsOf(io, user.id)) socket.data.user = user;
  io.to(userRoom(user.id)).emit("session", { user, token });
  for (const listener of listeners.get(io) ?? []) listener(user);
}
