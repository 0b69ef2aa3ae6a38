import { io } from "socket.io-client";
import type { ChatClientSocket } from "./transport";

/** The page's one socket, and how many rooms hold it. */
let shared: { socket: ChatClientSocket; holders: number } | null = null;

/**
 * The page's socket to the server that served it, shared by every open room
 * (each joins and leaves its room on it); the identity cookie travels with
 * it. Release it with `releaseChatSocket` when done.
 */
export function connectChatSocket(): ChatClientSocket {
  if (!shared) {
    shared = {
      socket: io({ withCredentials: true, reconnectionDelay: 500, reconnectionDelayMax: 5_000 }),
      holders: 0,
    };
  } else if (!shared.socket.active) {
    shared.socket.connect();
  }
  shared.holders++;
  return shared.socket;
}

/** The socket closes when the last room that holds it lets go. */
export function releaseChatSocket(socket: ChatClientSocket): void {
  if (!shared || shared.socket !== socket) {
    socket.disconnect();
    return;
  }
  shared.holders--;
  if (shared.holders > 0) return;
  shared.socket.disconnect();
  shared = null;
}
