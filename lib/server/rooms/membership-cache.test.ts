import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../store/sqlite-store";
import type { ChatStore } from "../store/types";
import { Lru } from "./lru";
import { MembershipCache } from "./membership-cache";

describe("Lru", () => {
  it("forgets the least recently used entry first, a read counting as a use", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1);
    lru.set("c", 3);
    expect([lru.get("a"), lru.get("b"), lru.get("c")]).toEqual([1, undefined, 3]);
    expect(lru.size).toBe(2);
  });
});

describe("MembershipCache over SQLite", () => {
  let dir: string;
  let store: ChatStore;
  const asked = { info: 0, standing: 0 };
  let cache: MembershipCache;
  const ana = { id: "ana", name: "Ana" };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "scrollback-cache-"));
    store = new SqliteStore(join(dir, "db.sqlite"));
    asked.info = 0;
    asked.standing = 0;
    const counted = {
      rooms: {
        ...store.rooms,
        info: (room: string) => {
          asked.info++;
          return store.rooms.info(room);
        },
      },
      members: {
        ...store.members,
        standing: (room: string, userId: string) => {
          asked.standing++;
          return store.members.standing(room, userId);
        },
      },
    } as unknown as Pick<ChatStore, "rooms" | "members">;
    cache = new MembershipCache(counted, { rooms: 2, standings: 2 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("asks the store once for a room and a standing however often they are read, until forgotten", async () => {
    await store.rooms.create({ name: "club", visibility: "private", topic: "", owner: ana });
    for (let i = 0; i < 5; i++) {
      expect(await cache.room("club")).toMatchObject({ visibility: "private" });
      expect(await cache.standing("club", "ana")).toMatchObject({ role: "owner" });
    }
    expect(asked).toEqual({ info: 1, standing: 1 });

    await store.members.change({ room: "club", user: ana, kind: "left", by: null });
    cache.forgetStanding("club", "ana");
    expect(await cache.standing("club", "ana")).toMatchObject({ role: null });
    expect(asked.standing).toBe(2);
  });

  it("shares one look-up between concurrent misses, and drops an answer begun before it was forgotten", async () => {
    await store.rooms.create({ name: "club", visibility: "public", topic: "", owner: ana });
    const [first, second] = [cache.room("club"), cache.room("club")];
    expect(await first).toEqual(await second);
    expect(asked.info).toBe(1);

    const stale = cache.room("other");
    cache.forgetRoom("other");
    await store.rooms.create({ name: "other", visibility: "private", topic: "", owner: ana });
    await stale;
    expect(await cache.room("other")).toMatchObject({ visibility: "private" });
  });

  it("forgets every standing of a deleted room", async () => {
    await store.rooms.create({ name: "club", visibility: "public", topic: "", owner: ana });
    expect(await cache.standing("club", "ana")).not.toBeNull();
    await store.rooms.remove("club");
    cache.forgetRoom("club", { standings: true });
    expect(await cache.room("club")).toBeNull();
    expect(await cache.standing("club", "ana")).toBeNull();
  });
});
