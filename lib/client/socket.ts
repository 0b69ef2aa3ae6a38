import { io } from "socket.io-client";
import type { ChatClientSocket } from "./room-client";

/** A socket to the server that served the page; the identity cookie travels with it. */
export function connectChatSocket(): ChatClientSocket {
  return io({ withCredentials: true, reconnectionDelay: 500, reconnectionDelayMax: 5_000 });
}
