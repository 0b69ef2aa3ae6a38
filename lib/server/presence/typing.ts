import { TYPING_EXPIRY_MS, TYPING_REFRESH_MS } from "../../shared/limits";
import { typingSchema } from "../../shared/protocol";
import type { RateDecision } from "../security/rate-limiter";
import { type ChatSocket, userRoom } from "../transport/socket-types";

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
 * own connections. Every relay costs an event per connection in the room,
 * so each spends from the typist's typing and delivery budgets (`spend`);
 * one over them is dropped, like a lost volatile event. A start is relayed
 * only when the typist may type there (`mayType`: the rules, from the
 * membership cache — a muted or removed person's notices are dropped too).
 */
export function registerTyping(
  socket: ChatSocket,
  spend: (socket: ChatSocket, room: string) => Promise<RateDecision>,
  mayType: (socket: ChatSocket, room: string) => Promise<boolean> = async () => true,
): void {
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

  /** Each room's notices of this connection, in the order they came: a stop never overtakes its start. */
  const inOrder = new Map<string, Promise<void>>();

  /**
   * Relays within the rules and the budgets; a start that was dropped is
   * forgotten, so no stop follows it. A stop needs no permission: it only
   * ends what a relayed start began.
   */
  const relayWithinBudget = (room: string, event: "typing:started" | "typing:stopped") => {
    const decide = async (): Promise<void> => {
      try {
        // A start asks the rules (the membership cache: a look-up on a miss), a
        // stop does not — so without the queue a stop could go out before its start.
        const may = event === "typing:started" ? await mayType(socket, room) : true;
        const decision = may ? await spend(socket, room) : { allowed: false as const };
        if (decision.allowed) relay(room, event);
        else if (event === "typing:started") relayedAt.delete(room);
      } catch {
        // The rules' look-up failed (the store is down) or a budget did: a notice is lost.
        if (event === "typing:started") relayedAt.delete(room);
      }
    };
    const queued = (inOrder.get(room) ?? Promise.resolve()).then(decide);
    inOrder.set(room, queued);
    void queued.then(() => {
      if (inOrder.get(room) === queued) inOrder.delete(room);
    });
  };

  socket.on("typing:start", (payload: unknown) => {
    const room = joinedRoom(payload);
    if (!room) return;
    const now = Date.now();
    if (now - (relayedAt.get(room) ?? Number.NEGATIVE_INFINITY) < MIN_RELAY_INTERVAL_MS) return;
    relayedAt.set(room, now);
    relayWithinBudget(room, "typing:started");
  });

  socket.on("typing:stop", (payload: unknown) => {
    const room = joinedRoom(payload);
    if (!room || !relayedAt.delete(room)) return;
    relayWithinBudget(room, "typing:stopped");
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
