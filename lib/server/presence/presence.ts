import { MAX_PRESENCE_LISTED } from "../../shared/limits";
import type { PresenceList, User } from "../../shared/protocol";
import { isRoomName } from "../../shared/room-name";
import { onUserAnnounced } from "../identity/user-sessions";
import type { Logger } from "../logger";
import { type ChatIo, userRoom } from "../transport/socket-types";

export type PresenceOptions = {
  /**
   * Changes in a room are gathered for this long and sent as one
   * `presence:changed`, and joiners in that time share one look-up of who is
   * there: a join storm costs one broadcast per room per window, not one per join.
   */
  flushDelayMs?: number;
  /** The most people a `presence:listed` names. */
  maxListed?: number;
};

/** After the cluster failed to say who is where (Redis down), the room's next flush waits this long. */
const CHECK_RETRY_MS = 2_000;

const DEFAULTS: Required<PresenceOptions> = {
  flushDelayMs: 250,
  maxListed: MAX_PRESENCE_LISTED,
};

export type Presence = {
  /** How many people are online in each of these rooms, across every server instance. */
  onlineCounts(rooms: readonly string[]): Promise<Map<string, number>>;
  /** Stops sending; called before the Socket.IO server closes. */
  close(): void;
};

type RoomBatch = {
  /**
   * The people whose connections here joined or left the room in this window,
   * each with whether this instance held one of their connections in the room
   * when the window opened.
   */
  wasHere: Map<string, boolean>;
  renamed: Map<string, User>;
  /** Connections that joined in this window and are owed a `presence:listed`. */
  joiners: Set<string>;
};

type Member = { data: { user: User }; rooms: Set<string> };

/**
 * Presence is derived from connections, never stored: a person is online in
 * a room while one of their connections has joined it, on any instance.
 *
 * Each instance watches its own adapter's join and leave events (a closing
 * connection leaves every room, so a closed tab counts at once; a silently
 * lost one when Socket.IO's heartbeat gives up) and broadcasts what changed
 * through the adapter, so the news reaches every instance's connections. A
 * person whose last connection here leaves is only announced offline once the
 * cluster confirms no other instance holds one of theirs in the room; a
 * person's first connection here is announced online (possibly again, which
 * receivers treat as a replacement).
 *
 * The adapter must be configured before this is called: it listens to the
 * adapter instance that the default namespace has now.
 */
export function trackPresence(io: ChatIo, logger: Logger, options: PresenceOptions = {}): Presence {
  const { flushDelayMs, maxListed } = { ...DEFAULTS, ...options };
  const namespace = io.of("/");
  const adapter = namespace.adapter;
  const batches = new Map<string, RoomBatch>();
  const timers = new Map<string, NodeJS.Timeout>();
  /** Rooms whose last look-up across the cluster failed: not before this time again. */
  const retryAt = new Map<string, number>();
  /** How many people are in each room with connections here, as of its last flush. */
  const sizes = new Map<string, number>();
  /** Rooms whose flush is running: flushes of one room never overlap, so changes go out in order. */
  const flushing = new Set<string>();
  let closed = false;

  const isChatRoom = (room: string, socketId: string) => room !== socketId && isRoomName(room);

  /** A connection of this person on this instance that has joined the room, other than `except`. */
  function localMember(room: string, userId: string, except?: string): User | null {
    for (const id of adapter.rooms.get(userRoom(userId)) ?? []) {
      if (id === except || !adapter.sids.get(id)?.has(room)) continue;
      const socket = namespace.sockets.get(id);
      if (socket) return socket.data.user;
    }
    return null;
  }

  function batchFor(room: string): RoomBatch {
    let batch = batches.get(room);
    if (!batch) {
      batch = { wasHere: new Map(), renamed: new Map(), joiners: new Set() };
      batches.set(room, batch);
    }
    return batch;
  }

  function schedule(room: string): void {
    if (closed || timers.has(room) || flushing.has(room)) return;
    const backoff = (retryAt.get(room) ?? 0) - Date.now();
    timers.set(
      room,
      setTimeout(
        () => {
          timers.delete(room);
          void flush(room);
        },
        Math.max(flushDelayMs, backoff),
      ),
    );
  }

  function touch(room: string, userId: string, wasHere: boolean): RoomBatch {
    const batch = batchFor(room);
    if (!batch.wasHere.has(userId)) batch.wasHere.set(userId, wasHere);
    schedule(room);
    return batch;
  }

  const onJoin = (room: string, socketId: string) => {
    if (closed || !isChatRoom(room, socketId)) return;
    const socket = namespace.sockets.get(socketId);
    if (!socket) return;
    const { id } = socket.data.user;
    touch(room, id, localMember(room, id, socketId) !== null).joiners.add(socketId);
  };

  const onLeave = (room: string, socketId: string) => {
    if (closed || !isChatRoom(room, socketId)) return;
    // A closing connection leaves its rooms before it is removed from the namespace.
    const socket = namespace.sockets.get(socketId);
    if (!socket) return;
    touch(room, socket.data.user.id, true).joiners.delete(socketId);
  };

  const onRoomDeleted = (room: string) => sizes.delete(room);

  adapter.on("join-room", onJoin);
  adapter.on("leave-room", onLeave);
  adapter.on("delete-room", onRoomDeleted);

  const stopWatchingRenames = onUserAnnounced(io, (user) => {
    if (closed) return;
    for (const id of adapter.rooms.get(userRoom(user.id)) ?? []) {
      for (const room of adapter.sids.get(id) ?? []) {
        if (!isChatRoom(room, id)) continue;
        batchFor(room).renamed.set(user.id, user);
        schedule(room);
      }
    }
  });

  async function flush(room: string): Promise<void> {
    const batch = batches.get(room);
    batches.delete(room);
    if (!batch || closed) return;
    flushing.add(room);
    try {
      const arrived = new Map<string, User>();
      const leaving: string[] = [];
      for (const [userId, wasHere] of batch.wasHere) {
        const here = localMember(room, userId);
        if (here && !wasHere) arrived.set(userId, here);
        else if (!here && wasHere) leaving.push(userId);
      }
      const renamed = new Map<string, User>();
      for (const [userId] of batch.renamed) {
        const here = localMember(room, userId);
        if (here && !arrived.has(userId)) renamed.set(userId, here);
      }
      const offline = leaving.length > 0 ? await goneFromCluster(room, leaving) : [];
      const owed = [...batch.joiners].filter((id) => namespace.sockets.get(id)?.rooms.has(room));
      // The joiners' list is also a fresh count of the room; between lists,
      // the count follows the changes.
      const list = owed.length > 0 ? await listOf(room) : null;
      if (closed) return;
      const size =
        list?.count ?? Math.max(0, (sizes.get(room) ?? 0) + arrived.size - offline.length);
      if (adapter.rooms.has(room)) sizes.set(room, size);
      else sizes.delete(room);
      // Beyond what a list names, arrivals are counted, not named: naming each
      // one to everyone would cost the square of the room's size.
      const large = size > maxListed;
      const online = [...(large ? [] : arrived.values()), ...renamed.values()];
      const arrivals = large ? arrived.size : 0;
      if (online.length > 0 || offline.length > 0 || arrivals > 0) {
        io.to(room).emit(
          "presence:changed",
          arrivals > 0 ? { room, online, offline, arrivals } : { room, online, offline },
        );
      }
      // Only this instance's connections are owed the list: no need to publish it cluster-wide.
      if (list) io.local.to(owed).emit("presence:listed", list);
    } catch (error) {
      logger.error({ err: error, room }, "presence flush failed");
    } finally {
      flushing.delete(room);
      // Changes that arrived while this flush waited on the cluster go out next.
      if (batches.has(room)) schedule(room);
    }
  }

  /** Of these people, who has no connection in the room on any instance. */
  async function goneFromCluster(room: string, userIds: readonly string[]): Promise<string[]> {
    try {
      const members = (await io.in(userIds.map(userRoom)).fetchSockets()) as Member[];
      retryAt.delete(room);
      const stillHere = new Set(
        members.filter((m) => m.rooms.has(room)).map((m) => m.data.user.id),
      );
      return userIds.filter((id) => !stillHere.has(id));
    } catch (error) {
      // Unsure: ask again a little later rather than guess.
      logger.warn({ err: error, room }, "presence check failed; retrying");
      retryAt.set(room, Date.now() + CHECK_RETRY_MS);
      const batch = batchFor(room);
      for (const id of userIds) if (!batch.wasHere.has(id)) batch.wasHere.set(id, true);
      return [];
    }
  }

  async function listOf(room: string): Promise<PresenceList> {
    const people = await peopleIn([room]);
    const users = [...(people.get(room)?.values() ?? [])].sort(byName);
    return { room, users: users.slice(0, maxListed), count: users.length };
  }

  /** The distinct people in each room, across the cluster (this instance's alone if it does not answer). */
  async function peopleIn(rooms: readonly string[]): Promise<Map<string, Map<string, User>>> {
    let members: Member[];
    try {
      members = (await io.in([...rooms]).fetchSockets()) as Member[];
    } catch (error) {
      logger.warn(
        { err: error },
        "cluster did not answer a presence look-up; counting this instance",
      );
      members = (await io.local.in([...rooms]).fetchSockets()) as Member[];
    }
    const people = new Map<string, Map<string, User>>(rooms.map((room) => [room, new Map()]));
    for (const member of members) {
      for (const room of member.rooms) people.get(room)?.set(member.data.user.id, member.data.user);
    }
    return people;
  }

  return {
    async onlineCounts(rooms) {
      const counts = new Map<string, number>();
      if (rooms.length === 0) return counts;
      for (const [room, people] of await peopleIn(rooms)) counts.set(room, people.size);
      return counts;
    },
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      batches.clear();
      retryAt.clear();
      adapter.off("join-room", onJoin);
      adapter.off("leave-room", onLeave);
      adapter.off("delete-room", onRoomDeleted);
      stopWatchingRenames();
    },
  };
}

function byName(a: User, b: User): number {
  return a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
