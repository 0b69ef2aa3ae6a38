import { fail } from "../../shared/errors";
import type { Logger } from "../logger";
import type { RepeatedWarnings } from "../ops/log-guard";
import type { ChatSocket } from "../transport/socket-types";
import type { KeyedRateLimiter } from "./rate-limiter";

/**
 * Every inbound event of a connection, known or not, spends from that
 * connection's event budget before any handler runs, so a flood of reads,
 * joins or junk costs the server a counter check per event. A refused request
 * is answered `rate_limited` with `retryAfterMs`. A connection that keeps
 * sending while refused — more than `maxRefusalsInARow` times without waiting
 * — is not a client that will ever behave, and is handed to `onAbuse`.
 */
export function guardEventRate(
  socket: ChatSocket,
  limiter: KeyedRateLimiter,
  maxRefusalsInARow: number,
  onAbuse: (socket: ChatSocket) => void,
  logger: Logger,
  warnings: RepeatedWarnings,
): void {
  let refusalsInARow = 0;
  socket.use((event, next) => {
    limiter.consume(socket.id).then(
      (decision) => {
        if (decision.allowed) {
          refusalsInARow = 0;
          next();
          return;
        }
        refusalsInARow++;
        const ack = event.at(-1);
        if (typeof ack === "function") {
          ack(fail("rate_limited", "Too many requests; slow down.", decision.retryAfterMs));
        }
        if (refusalsInARow > maxRefusalsInARow && socket.connected) {
          warnings.warn(
            { socket: socket.id, user: socket.data.user.id, refused: refusalsInARow },
            "client ignores rate limiting; cut off",
          );
          onAbuse(socket);
        }
      },
      (error: unknown) => {
        // The limiter lives in memory and does not fail; if it ever does, serve rather than drop.
        logger.error({ err: error }, "event rate limiter failed");
        next();
      },
    );
  });
}
