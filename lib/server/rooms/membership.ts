import type { MemberChange, RoomInfo, User } from "../../shared/protocol";
import type { ChatStore, StoredMember, StoredRoom } from "../store/types";
import { type ChatIo, type ChatSocket, userRoom } from "../transport/socket-types";
import type { MembershipCache } from "./membership-cache";
import type { MembershipSync } from "./membership-sync";
import {
  type ActionOptions,
  can,
  type Decision,
  type Person,
  type RoomAction,
  type RoomFacts,
} from "./permissions";
import { personOf, roomFactsOf, roomInfoOf, unmadeRoomInfo } from "./room-facts";
import type { RoomsConfig } from "./rooms-config";

/** What one authorization looked at, for the handler to go on with. */
export type Authorized = {
  decision: Decision;
  person: Person;
  facts: RoomFacts;
  /** The room's settings; null for a name nothing was made under. */
  room: StoredRoom | null;
  standing: StoredMember | null;
};

/** Kinds of change after which the person is no longer in the room. */
const REMOVALS = new Set<MemberChange["kind"]>(["left", "kicked", "banned"]);

/**
 * Rooms and memberships as the handlers use them: who is asking (a Person),
 * what the rules decide for them (from the cache, so the hot path costs no
 * query), and how a change is told — to the room and to the person, their
 * connections made to leave it on every instance, every cache told.
 */
export class Membership {
  constructor(
    private readonly io: ChatIo,
    private readonly store: ChatStore,
    readonly cache: MembershipCache,
    private readonly sync: MembershipSync,
    readonly config: RoomsConfig,
  ) {}

  person(socket: ChatSocket): Person {
    return personOf(socket.data, this.config);
  }

  /** The facts about the room and this person's place in it, from the cache. */
  async facts(
    room: string,
    userId: string,
  ): Promise<{ facts: RoomFacts; room: StoredRoom | null; standing: StoredMember | null }> {
    const [stored, standing] = await Promise.all([
      this.cache.room(room),
      this.cache.standing(room, userId),
    ]);
    return { facts: roomFactsOf(stored, standing), room: stored, standing };
  }

  /** Asks `can` for this connection's person, with the facts gathered from the cache. */
  async authorize(
    socket: ChatSocket,
    action: RoomAction,
    room: string,
    options: ActionOptions = {},
  ): Promise<Authorized> {
    const person = this.person(socket);
    const found = await this.facts(room, person.userId);
    return { ...found, person, decision: can(person, action, found.facts, options) };
  }

  /** The room as `viewerId` sees it: a direct room names the other person. */
  async info(room: StoredRoom | null, name: string, viewerId: string): Promise<RoomInfo> {
    if (!room) return unmadeRoomInfo(name);
    if (room.visibility !== "direct") return roomInfoOf(room);
    return roomInfoOf(room, (await this.directPeer(room.name, viewerId)) ?? undefined);
  }

  /** The other person of a direct room (its members are two). */
  async directPeer(room: string, viewerId: string): Promise<User | null> {
    const { members } = await this.store.members.list(room, undefined, 3);
    return members.find((member) => member.userId !== viewerId)?.user ?? null;
  }

  /**
   * Tells a stored membership change: every cache forgets the standing,
   * then the room and the person's own connections hear `member:changed`,
   * and on a removal the person's connections leave the room on every
   * instance — after the event, so they learn why they stop hearing from it.
   *
   * The caches are told first: the adapter publishes everything through one
   * connection, so each instance forgets before it relays the event, and a
   * request the person sends the moment they hear of it is judged afresh.
   */
  announce(change: MemberChange): void {
    const { room } = change;
    const userId = change.user.id;
    this.sync.standingChanged(room, userId);
    this.io.to(room).to(userRoom(userId)).emit("member:changed", change);
    if (REMOVALS.has(change.kind)) this.io.in(userRoom(userId)).socketsLeave(room);
  }

  /** A room's settings changed (or it was made): every instance reads them again. */
  roomChanged(room: string): void {
    this.sync.roomChanged(room);
  }

  /** A room was deleted: every instance forgets it and every standing in it. */
  roomDeleted(room: string): void {
    this.sync.roomChanged(room, { deleted: true });
  }

  /** Who a user id names: a stored user, else a person connected now (on any instance); null for nobody we know. */
  async knownUser(userId: string): Promise<User | null> {
    const stored = await this.store.users.find(userId);
    if (stored) return stored;
    const connected = await this.connectedSockets(userId);
    return connected[0]?.data.user ?? null;
  }

  /**
   * Whether the person is a server admin, as far as their live connections
   * say (the account role lives with accounts, read at sign-in). A person
   * not connected now counts as no admin.
   */
  async isConnectedAdmin(userId: string): Promise<boolean> {
    const connected = await this.connectedSockets(userId);
    return connected.some((socket) => socket.data.account?.role === "admin");
  }

  private async connectedSockets(userId: string) {
    try {
      return await this.io.in(userRoom(userId)).fetchSockets();
    } catch {
      // Another instance did not answer in time: what this one holds is all we know.
      return [...(this.io.of("/").adapter.rooms.get(userRoom(userId)) ?? [])].flatMap(
        (id) => this.io.of("/").sockets.get(id) ?? [],
      );
    }
  }
}
