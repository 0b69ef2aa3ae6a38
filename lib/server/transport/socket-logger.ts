import type { Logger } from "../logger";
import type { ChatSocket } from "./socket-types";

/**
 * The connection's logger, made on first use: a child logger costs about half
 * a kilobyte, and thousands of idle connections never log. Shared by every
 * feature's handlers of the connection.
 */
export function socketLogger(parent: Logger, socket: ChatSocket): () => Logger {
  let child: Logger | undefined;
  return () => {
    child ??= parent.child({ socket: socket.id, user: socket.data.user.id });
    return child;
  };
}
