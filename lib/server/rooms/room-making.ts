import type { User } from "../../shared/protocol";
import { RoomExistsError, type StoredRoom } from "../store/types";
import type { ChatSocket } from "../transport/socket-types";
import type { Authorized } from "./membership";
import type { RoomContext } from "./room-context";

/** What became of a send to a room that did not exist when it was authorized. */
export type Made =
  | { made: true; room: StoredRoom }
  /** Someone made it first: the send is authorized again against what they made. */
  | { made: false; again: Authorized };

/**
 * The first message under a new name makes the room: public, its author the
 * owner (the owner's membership is told to the room). When another request
 * made it in between, the store refuses (RoomExistsError) and the sender is
 * authorized again against the room as it now is — and, for a public one,
 * made a member as a join would.
 */
export async function makeRoomByFirstMessage(
  context: RoomContext,
  socket: ChatSocket,
  name: string,
): Promise<Made> {
  const { store, membership } = context;
  const owner: User = socket.data.user;
  try {
    const { room, change } = await store.rooms.create({
      name,
      visibility: "public",
      topic: "",
      owner,
    });
    membership.roomChanged(name);
    membership.announce(change);
    return { made: true, room };
  } catch (error) {
    if (!(error instanceof RoomExistsError)) throw error;
    membership.roomChanged(name);
    const again = await membership.authorize(socket, "send", name);
    if (again.decision.allowed && again.room?.visibility === "public" && !again.facts.member)
      await joinPublicRoom(context, socket, name);
    return { made: false, again };
  }
}

/** Makes the connection's person a member of a public room, as visiting it does (no rev if they are one). */
export async function joinPublicRoom(
  context: Pick<RoomContext, "store" | "membership">,
  socket: ChatSocket,
  room: string,
): Promise<void> {
  const { change, changed } = await context.store.members.change({
    room,
    user: socket.data.user,
    kind: "joined",
    by: null,
  });
  if (changed) context.membership.announce(change);
}
