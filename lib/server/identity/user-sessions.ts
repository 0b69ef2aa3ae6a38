import { Adapter } from "socket.io-adapter";
import type { SessionInfo, User } from "../../shared/protocol";
import { type ChatIo, type ChatSocket, userRoom } from "../transport/socket-types";

/** The connections of one user (their tabs, or a bot's workers) on this server. */
function connectionsOf(io: ChatIo, userId: string) {
  const ids = io.of("/").adapter.rooms.get(userRoom(userId)) ?? new Set<string>();
  return [...ids].flatMap((id) => io.of("/").sockets.get(id) ?? []);
}

/**
 * Whether broadcasts leave this instance. The in-memory adapter (one instance)
 * keeps Adapter's own serverSideEmit, which only prints a warning.
 */
function isClustered(io: ChatIo): boolean {
  return io.of("/").adapter.serverSideEmit !== Adapter.prototype.serverSideEmit;
}

/** What a connection is told about itself: a token only if it did not come with the browser's cookie. */
export function sessionOf(socket: ChatSocket): SessionInfo {
  const { user, botToken, account } = socket.data;
  const session: SessionInfo = botToken === undefined ? { user } : { user, token: botToken };
  if (account) session.account = { email: account.email, role: account.role };
  return session;
}

/**
 * Makes this instance's connections of the user act under the given record,
 * and tells each of them with a new `session` — one at a time, since each
 * has its own (or no) token.
 */
function adoptUserRecord(io: ChatIo, user: User): void {
  for (const socket of connectionsOf(io, user.id)) {
    socket.data.user = user;
    socket.emit("session", sessionOf(socket));
  }
}

type UserListener = (user: User) => void;
const listeners = new WeakMap<ChatIo, Set<UserListener>>();

/**
 * A rename announced by another instance: this one's connections of the user
 * take the name too, and what watches them here (presence) hears of it — the
 * announcing instance only knows the rooms its own connections are in.
 */
export function renamedElsewhere(io: ChatIo, user: User): void {
  adoptUserRecord(io, user);
  tellListeners(io, user);
}

function tellListeners(io: ChatIo, user: User): void {
  for (const listener of listeners.get(io) ?? []) listener(user);
}

/** Calls back after a user's connections on this server took a new record (a rename, here or on another instance). */
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
 * Makes every connection of the user act under its current record — on every
 * instance — so messages sent from any of them after a rename carry the new
 * name, and tells each of them with a new `session`.
 */
export function announceUser(io: ChatIo, user: User): void {
  adoptUserRecord(io, user);
  if (isClustered(io)) io.serverSideEmit("user:renamed", user);
  tellListeners(io, user);
}
