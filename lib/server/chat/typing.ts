import { TYPING_EXPIRY_MS, TYPING_REFRESH_MS } from "../../shared/limits";
import { typingSchema } from "../../shared/schemas";
import { type ChatSocket, userRoom } from "./chat-types";

/**
 * A connection's `typing:start` for a room is relayed at most this often.
 * Well-behaved clients send less often than this; the floor only stops a
 * faulty or hostile client from making the room's every member pay for a
 * flood of keystrokes.
 */
const MIN_RELAY_INTERVAL_MS = TYPING_REFRESH_MS / 3;

/**
 * Relays typing notices to the rest of a room: volatile (a lost one is
 * repaired by the next refresh or by the receiver's expiry), never stored,
 * no state beyond when this connection last relayed one. The broadcast goes
 * through the adapter, so it reaches every instance, and skips the typist's
 * own connections.
 */
export function registerTyping(socket: ChatSocket): void {
  const relayedAt = new Map<string, number>();

  const joinedRoom = (payload: unknown): string | null => {
    const parsed = typingSchema.safeParse(payload);
    if (!parsed.success || !socket.rooms.has(parsed.data.room)) return null;
    return parsed.data.room;
  };

  const relay = (room: string, event: "typing:started" | "typing:stopped") => {
    socket
      .to(room)
      .except(userRoom(socket.data.user.id))
      .volatile.emit(event, { room, user: socket.data.user });
  };

  socket.on("typing:start", (payload: unknown) => {
    const room = joinedRoom(payload);
    if (!room) return;
    const now = Date.now();
    if (now - (relayedAt.get(room) ?? Number.NEGATIVE_INFINITY) < MIN_RELAY_INTERVAL_MS) return;
    relayedAt.set(room, now);
    relay(room, "typing:started");
  });

  socket.on("typing:stop", (payload: unknown) => {
    const room = joinedRoom(payload);
    if (!room || !relayedAt.delete(room)) return;
    relay(room, "typing:stopped");
  });

  // A typist whose tab closes stops typing now, not when receivers' timers run out.
  socket.on("disconnecting", () => {
    const now = Date.now();
    for (const [room, at] of relayedAt) {
      if (now - at < TYPING_EXPIRY_MS && socket.rooms.has(room)) relay(room, "typing:stopped");
    }
    relayedAt.clear();
  });
}
