import type { ChatStore, StoredMember, StoredRoom } from "../store/types";
import { Lru } from "./lru";

/** Rooms whose settings are remembered per instance; past this many the least recently used are read again. */
const REMEMBERED_ROOMS = 10_000;
/** (room, person) standings remembered per instance. */
const REMEMBERED_STANDINGS = 100_000;

/**
 * What this instance knows of rooms' settings and people's standing in them,
 * so that sends, reactions and typing — the hot path — cost no query once a
 * room and its people have been seen. Filled from the store on a miss and
 * forgotten when something changes (here, or on another instance through
 * membership-sync.ts); the store stays the truth.
 *
 * What is held is the look-up itself (a promise): concurrent misses share one
 * query, and forgetting an entry while its query runs drops that query's
 * answer too, so an invalidation is never overwritten by a read begun before it.
 */
export class MembershipCache {
  private readonly rooms: Lru<string, Promise<StoredRoom | null>>;
  private readonly standings: Lru<string, Promise<StoredMember | null>>;

  constructor(
    private readonly store: Pick<ChatStore, "rooms" | "members">,
    capacity: { rooms?: number; standings?: number } = {},
  ) {
    this.rooms = new Lru(capacity.rooms ?? REMEMBERED_ROOMS);
    this.standings = new Lru(capacity.standings ?? REMEMBERED_STANDINGS);
  }

  /** The room's settings; null for a name nothing was made under. */
  room(name: string): Promise<StoredRoom | null> {
    return this.remembered(this.rooms, name, () => this.store.rooms.info(name));
  }

  /** The person's standing in the room; null when they never had one. */
  standing(room: string, userId: string): Promise<StoredMember | null> {
    return this.remembered(this.standings, standingKey(room, userId), () =>
      this.store.members.standing(room, userId),
    );
  }

  /** A person's standing changed (joined, left, kicked, banned, muted, role). */
  forgetStanding(room: string, userId: string): void {
    this.standings.delete(standingKey(room, userId));
  }

  /** A room's settings changed, or it was made or deleted: its settings and, when deleted, every standing in it. */
  forgetRoom(room: string, options: { standings?: boolean } = {}): void {
    this.rooms.delete(room);
    if (options.standings) {
      const prefix = standingKey(room, "");
      this.standings.deleteWhere((key) => key.startsWith(prefix));
    }
  }

  private remembered<T>(lru: Lru<string, Promise<T>>, key: string, load: () => Promise<T>) {
    const held = lru.get(key);
    if (held) return held;
    const loading = load();
    lru.set(key, loading);
    // A failed look-up is not remembered: the next request asks the store again.
    loading.catch(() => {
      if (lru.get(key) === loading) lru.delete(key);
    });
    return loading;
  }
}

/** Room names never hold a NUL, so this key is unambiguous. */
function standingKey(room: string, userId: string): string {
  return `${room}\u0000${userId}`;
}
