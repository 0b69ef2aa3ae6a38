import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatMessage, MemberChange, User } from "../../shared/protocol";
import type { StoreUnderTest } from "./store-contract";
import {
  type ChatStore,
  type MembershipChangeInput,
  RoomExistsError,
  type StoredMember,
} from "./types";

/**
 * Rooms that belong to people, as every engine must keep them: rooms made
 * with settings and an owner, memberships whose changes take the room's
 * revs between its message changes, bans and mutes, direct rooms one per
 * pair, invite links used atomically, the audit log, listings per viewer,
 * and the moderator's delete.
 */
export function describeMembershipContract(
  engine: string,
  openFresh: () => Promise<StoreUnderTest>,
): void {
  describe(`ChatStore rooms and memberships: ${engine}`, () => {
    let subject: StoreUnderTest;
    let store: ChatStore;
    beforeEach(async () => {
      subject = await openFresh();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.destroy();
    });

    const ana: User = { id: "user-ana", name: "Ana" };
    const bea: User = { id: "user-bea", name: "Bea" };
    const cai: User = { id: "user-cai", name: "Cai" };
    let clientIds = 0;

    async function send(room: string, author = ana, text = "hello"): Promise<ChatMessage> {
      clientIds += 1;
      const { message } = await store.messages.append({
        room,
        clientId: `c${clientIds}`,
        author,
        text,
      });
      return message;
    }
    const create = (name: string, owner = ana, visibility: "public" | "private" = "public") =>
      store.rooms.create({ name, visibility, topic: "", owner });
    const change = (
      room: string,
      user: User,
      kind: MembershipChangeInput["kind"],
      more: Partial<MembershipChangeInput> = {},
    ) => store.members.change({ room, user, kind, by: null, ...more });
    const join = (room: string, user: User) => change(room, user, "joined");
    const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

    /** Every change of the room from the start, page after page. */
    async function replay(room: string, limit = 200) {
      const messages: ChatMessage[] = [];
      const members: MemberChange[] = [];
      const revs: number[] = [];
      let after = 0;
      for (;;) {
        const page = await store.messages.changesAfter(room, after, limit);
        expect(page.messages.length + page.members.length).toBeLessThanOrEqual(limit);
        messages.push(...page.messages);
        members.push(...page.members);
        const pageRevs = [...page.messages, ...page.members].map((c) => c.rev);
        revs.push(...pageRevs.toSorted((a, b) => a - b));
        if (!page.hasMore) return { messages, members, revs, latestRev: page.latestRev };
        after = Math.max(...pageRevs);
      }
    }

    describe("rooms.create and info", () => {
      it("makes a room with its settings, its creator owner by the room's first change", async () => {
        const before = Date.now();
        const { room, change: owner } = await store.rooms.create({
          name: "book-club",
          visibility: "private",
          topic: "Dune, chapter 3",
          owner: ana,
        });
        expect(room).toEqual({
          name: "book-club",
          visibility: "private",
          topic: "Dune, chapter 3",
          ownerId: ana.id,
          createdAt: expect.any(Date),
        });
        expect(room.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
        expect(owner).toEqual({
          room: "book-club",
          rev: 1,
          user: ana,
          kind: "joined",
          role: "owner",
          mutedUntil: null,
          by: null,
          at: expect.any(String),
        });
        expect(await store.rooms.info("book-club")).toEqual(room);
        expect(await store.rooms.latestRev("book-club")).toBe(1);
        expect(await store.rooms.latestSeq("book-club")).toBe(0);
        expect(await store.members.standing("book-club", ana.id)).toMatchObject({
          role: "owner",
          banned: false,
          mutedUntil: null,
          rev: 1,
        });
        // The creator's first write makes their row.
        expect(await store.users.find(ana.id)).toEqual(ana);
      });

      it("gives the first message of a made room seq 1, after the owner's rev", async () => {
        await create("fresh");
        const first = await send("fresh");
        expect([first.seq, first.rev]).toEqual([1, 2]);
        expect((await store.messages.latest("fresh", 10)).messages.map((m) => m.seq)).toEqual([1]);
      });

      it("refuses a taken name, whatever its visibility or however it was made, writing nothing", async () => {
        await create("taken", ana, "private");
        await expect(create("taken", bea)).rejects.toBeInstanceOf(RoomExistsError);
        await expect(create("taken", bea)).rejects.toMatchObject({ room: "taken" });
        await send("legacy", bea);
        await expect(create("legacy", ana, "private")).rejects.toBeInstanceOf(RoomExistsError);
        expect(await store.rooms.info("taken")).toMatchObject({ ownerId: ana.id });
        expect(await store.rooms.info("legacy")).toMatchObject({
          visibility: "public",
          ownerId: null,
        });
        expect(await store.rooms.latestRev("taken")).toBe(1);
        expect(await store.members.standing("taken", bea.id)).toBeNull();
      });

      it("makes exactly one room when two people create the same name at once", async () => {
        const results = await Promise.allSettled([create("race", ana), create("race", bea)]);
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        const refused = results.find((r) => r.status === "rejected");
        expect(refused?.status === "rejected" && refused.reason).toBeInstanceOf(RoomExistsError);
        expect(await store.members.count("race")).toBe(1);
        expect(await store.rooms.latestRev("race")).toBe(1);
      });

      it("knows a room made by its first message as public with no owner, made when that message was", async () => {
        const first = await send("old-room");
        await send("old-room", bea);
        expect(await store.rooms.info("old-room")).toEqual({
          name: "old-room",
          visibility: "public",
          topic: "",
          ownerId: null,
          createdAt: new Date(first.createdAt),
        });
        expect(await store.rooms.info("never-made")).toBeNull();
      });

      it("updates settings without taking a rev; null for no such room", async () => {
        await create("settings");
        const updated = await store.rooms.update("settings", {
          topic: "new topic",
          visibility: "private",
        });
        expect(updated).toMatchObject({
          topic: "new topic",
          visibility: "private",
          ownerId: ana.id,
        });
        expect(await store.rooms.update("settings", { ownerId: null })).toMatchObject({
          topic: "new topic",
          ownerId: null,
        });
        expect(await store.rooms.update("settings", { ownerId: bea.id })).toMatchObject({
          ownerId: bea.id,
        });
        expect(await store.rooms.info("settings")).toMatchObject({
          topic: "new topic",
          visibility: "private",
          ownerId: bea.id,
        });
        expect(await store.rooms.latestRev("settings")).toBe(1);
        expect(await store.rooms.update("nowhere", { topic: "x" })).toBeNull();
        expect(await store.rooms.info("nowhere")).toBeNull();
      });
    });

    describe("members: changes and revs", () => {
      it("gives membership changes the room's next revs, between its message changes, without gaps", async () => {
        await create("mixed");
        const m1 = await send("mixed");
        const joined = await join("mixed", bea);
        const m2 = await send("mixed", bea);
        const reacted = await store.messages.change({
          room: "mixed",
          id: m1.id,
          actor: bea,
          change: { kind: "reaction", emoji: "👍", added: true },
        });
        const muted = await change("mixed", bea, "muted", {
          mutedUntil: Date.now() + 60_000,
          by: ana,
        });
        const left = await change("mixed", bea, "left");
        expect([
          m1.rev,
          joined.change.rev,
          m2.rev,
          reacted.message.rev,
          muted.change.rev,
          left.change.rev,
        ]).toEqual([2, 3, 4, 5, 6, 7]);
        expect(joined).toEqual({
          changed: true,
          change: {
            room: "mixed",
            rev: 3,
            user: bea,
            kind: "joined",
            role: "member",
            mutedUntil: null,
            by: null,
            at: expect.any(String),
          },
        });
        expect(await store.rooms.latestRev("mixed")).toBe(7);

        const replayed = await replay("mixed");
        // Each message and membership once, in its current state, at the rev of its latest change.
        expect(replayed.messages.map((m) => [m.id, m.rev])).toEqual([
          [m2.id, 4],
          [m1.id, 5],
        ]);
        expect(replayed.members.map((m) => [m.user.id, m.rev, m.kind, m.role])).toEqual([
          [ana.id, 1, "joined", "owner"],
          [bea.id, 7, "left", null],
        ]);
        expect(replayed.members[1]?.mutedUntil).toBe(muted.change.mutedUntil);
        expect(replayed.latestRev).toBe(7);
      });

      it("merges both kinds of change in one page ascending by rev, at most `limit` together, saying when more remain", async () => {
        await create("paged");
        const people = Array.from({ length: 6 }, (_, i) => ({ id: `p${i}`, name: `P${i}` }));
        for (const person of people) {
          await join("paged", person);
          await send("paged", person);
        }
        // Revs 1 (the owner) … 13: joins at even revs, messages at odd ones.
        const page = await store.messages.changesAfter("paged", 2, 4);
        expect(page.hasMore).toBe(true);
        expect(page.members.map((m) => m.rev)).toEqual([4, 6]);
        expect(page.messages.map((m) => m.rev)).toEqual([3, 5]);
        expect(page.latestRev).toBe(13);
        for (const limit of [1, 2, 3, 5, 50]) {
          const all = await replay("paged", limit);
          expect(all.revs).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
        }
        const last = await store.messages.changesAfter("paged", 12, 4);
        expect(last).toEqual({
          messages: [expect.objectContaining({ rev: 13 })],
          members: [],
          hasMore: false,
          latestRev: 13,
        });
      });

      it("pages long messages and memberships by bytes together, missing nothing", async () => {
        await create("heavy");
        const long = "y".repeat(30_000);
        for (let i = 0; i < 24; i++) {
          await send("heavy", ana, `${i} ${long}`);
          await join("heavy", { id: `h${i}`, name: `H${i}` });
        }
        const first = await store.messages.changesAfter("heavy", 0, 200);
        expect(first.hasMore).toBe(true);
        expect(first.messages.length).toBeLessThan(24);
        const all = await replay("heavy", 200);
        expect(all.revs).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
        expect(all.messages).toHaveLength(24);
        expect(all.members).toHaveLength(25);
      });

      it("stays gap-free when joins, leaves, sends and changes race", async () => {
        await create("race");
        const people = Array.from({ length: 12 }, (_, i) => ({ id: `r${i}`, name: `R${i}` }));
        const results = await Promise.all(
          people.flatMap((person) => [
            join("race", person).then((r) => r.change.rev),
            send("race", person).then((m) => m.rev),
          ]),
        );
        const more = await Promise.all(
          people.map((person, i) =>
            (i % 2
              ? change("race", person, "left")
              : change("race", person, "banned", { by: ana })
            ).then((r) => r.change.rev),
          ),
        );
        const revs = [...results, ...more].toSorted((a, b) => a - b);
        expect(revs).toEqual(Array.from({ length: revs.length }, (_, i) => i + 2));
        const replayed = await replay("race", 7);
        expect(replayed.members).toHaveLength(people.length + 1);
        expect(replayed.messages).toHaveLength(people.length);
        expect(new Set(replayed.revs).size).toBe(replayed.revs.length);
        expect(replayed.revs).toEqual(replayed.revs.toSorted((a, b) => a - b));
      });

      it("takes no rev for a change that changes nothing", async () => {
        await create("noop");
        await join("noop", bea);
        const again = await join("noop", bea);
        expect(again.changed).toBe(false);
        expect(again.change).toMatchObject({ rev: 2, kind: "joined", role: "member" });
        const ownerJoins = await join("noop", ana);
        expect(ownerJoins).toMatchObject({ changed: false, change: { role: "owner" } });
        const strangerLeaves = await change("noop", cai, "left");
        expect(strangerLeaves).toMatchObject({ changed: false, change: { role: null } });
        expect(await change("noop", cai, "unbanned", { by: ana })).toMatchObject({
          changed: false,
        });
        expect(await change("noop", bea, "unmuted", { by: ana })).toMatchObject({ changed: false });
        expect(await change("noop", bea, "role", { role: "member", by: ana })).toMatchObject({
          changed: false,
        });
        expect(await change("noop", cai, "role", { role: "moderator", by: ana })).toMatchObject({
          changed: false,
        });
        await change("noop", bea, "left");
        expect(await change("noop", bea, "left")).toMatchObject({ changed: false });
        expect(await change("noop", bea, "kicked", { by: ana })).toMatchObject({ changed: false });
        expect(await store.rooms.latestRev("noop")).toBe(3);
        expect(await store.members.standing("noop", cai.id)).toBeNull();
      });

      it("keeps each kind's state: kicked, banned, unbanned, muted, unmuted, roles", async () => {
        await create("mod");
        await join("mod", bea);
        const standing = async (user: User) =>
          (await store.members.standing("mod", user.id)) as StoredMember;

        await change("mod", bea, "role", { role: "moderator", by: ana });
        expect(await standing(bea)).toMatchObject({ role: "moderator", banned: false });

        const until = Date.now() + 10 * 60_000;
        const muted = await change("mod", bea, "muted", { mutedUntil: until, by: ana });
        expect(muted.change).toMatchObject({
          kind: "muted",
          mutedUntil: new Date(until).toISOString(),
          by: ana,
        });
        expect((await standing(bea)).mutedUntil).toBe(until);

        const kicked = await change("mod", bea, "kicked", { by: ana });
        expect(kicked.change).toMatchObject({ kind: "kicked", role: null, by: ana });
        expect(await standing(bea)).toMatchObject({ role: null, banned: false });
        expect(await store.members.count("mod")).toBe(1);

        // A kicked person may join a public room again; the mute came along.
        await join("mod", bea);
        expect(await standing(bea)).toMatchObject({ role: "member", mutedUntil: until });
        await change("mod", bea, "unmuted", { by: ana });
        expect((await standing(bea)).mutedUntil).toBeNull();

        const banned = await change("mod", bea, "banned", { by: ana });
        expect(banned.change).toMatchObject({ kind: "banned", role: null });
        expect(await standing(bea)).toMatchObject({ role: null, banned: true });
        expect(await store.members.count("mod")).toBe(1);
        expect(
          (await store.members.list("mod", undefined, 10)).members.map((m) => m.userId),
        ).toEqual([ana.id]);

        // A ban can be given to someone who was never a member, and lifted.
        const preempted = await change("mod", cai, "banned", { by: ana });
        expect(preempted.changed).toBe(true);
        expect(await standing(cai)).toMatchObject({ role: null, banned: true });
        await change("mod", bea, "unbanned", { by: ana });
        expect(await standing(bea)).toMatchObject({ role: null, banned: false });
        expect(await store.users.find(cai.id)).toEqual(cai);
      });

      it("lists current members by user id, page by page, with their current names", async () => {
        await create("listed");
        const people = Array.from({ length: 5 }, (_, i) => ({ id: `u${i}`, name: `U${i}` }));
        for (const person of people.toReversed()) await join("listed", person);
        await change("listed", people[2] as User, "left");
        await store.users.rename("u0", "Renamed");
        const first = await store.members.list("listed", undefined, 2);
        expect(first.hasMore).toBe(true);
        expect(first.members.map((m) => [m.userId, m.user.name, m.role])).toEqual([
          ["u0", "Renamed", "member"],
          ["u1", "U1", "member"],
        ]);
        const rest = await store.members.list("listed", "u1", 10);
        expect(rest).toEqual({
          members: [
            expect.objectContaining({ userId: "u3" }),
            expect.objectContaining({ userId: "u4" }),
            expect.objectContaining({ userId: ana.id, role: "owner" }),
          ],
          hasMore: false,
        });
        expect(await store.members.count("listed")).toBe(5);
        // changes:after names the person as they are called now, and who changed them as they were.
        await change("listed", people[3] as User, "kicked", { by: { ...ana, name: "Ana then" } });
        await store.users.rename("u3", "U3 now");
        const { members } = await replay("listed");
        expect(members.find((m) => m.user.id === "u3")).toMatchObject({
          user: { id: "u3", name: "U3 now" },
          by: { id: ana.id, name: "Ana then" },
        });
      });

      it("makes the row of a public room joined before its first message, public and ownerless", async () => {
        const joined = await join("lobby", bea);
        expect(joined.change.rev).toBe(1);
        expect(await store.rooms.info("lobby")).toMatchObject({
          visibility: "public",
          ownerId: null,
          topic: "",
        });
        const first = await send("lobby", bea);
        expect([first.seq, first.rev]).toEqual([1, 2]);
        await expect(create("lobby")).rejects.toBeInstanceOf(RoomExistsError);
      });

      it("lists the rooms a person is a member of, with their role", async () => {
        await create("mine", ana, "private");
        await create("theirs", bea);
        await join("theirs", ana);
        await create("gone", bea);
        await join("gone", ana);
        await change("gone", ana, "left");
        const rooms = await store.rooms.memberRooms(ana.id);
        expect(rooms.map((r) => [r.room.name, r.room.visibility, r.role])).toEqual([
          ["mine", "private", "owner"],
          ["theirs", "public", "member"],
        ]);
        expect(await store.rooms.memberRooms(cai.id)).toEqual([]);
      });

      it("moves the room's ownerId with the owner role", async () => {
        await create("handover");
        await join("handover", bea);
        await change("handover", bea, "role", { role: "owner", by: ana });
        expect((await store.rooms.info("handover"))?.ownerId).toBe(bea.id);
        await change("handover", ana, "role", { role: "moderator", by: bea });
        expect((await store.rooms.info("handover"))?.ownerId).toBe(bea.id);
        await change("handover", bea, "left");
        expect((await store.rooms.info("handover"))?.ownerId).toBeNull();
      });
    });

    describe("rooms.remove", () => {
      it("deletes the room and everything of it in one go, but keeps its audit log", async () => {
        await create("doomed", ana, "private");
        await join("doomed", bea);
        const message = await send("doomed", bea, "secret words");
        await store.messages.change({
          room: "doomed",
          id: message.id,
          actor: ana,
          change: { kind: "reaction", emoji: "👍", added: true },
        });
        await store.invites.create({
          room: "doomed",
          tokenHash: "hash-doomed",
          createdBy: ana,
          expiresAt: new Date(Date.now() + 60_000),
          maxUses: null,
        });
        await store.reads.mark(bea.id, "doomed", 1);
        await store.audit.record({
          room: "doomed",
          action: "kicked",
          actor: ana,
          target: cai,
          message: null,
          detail: "",
        });
        const dm = await store.rooms.openDirect(ana, bea, "dm-doomed");
        await send("elsewhere");

        expect(await store.rooms.remove("doomed")).toBe(true);
        expect(await store.rooms.remove(dm.room.name)).toBe(true);

        expect(await store.rooms.info("doomed")).toBeNull();
        expect(await store.rooms.latestSeq("doomed")).toBe(0);
        expect(await store.rooms.latestRev("doomed")).toBe(0);
        expect(await store.messages.latest("doomed", 10)).toEqual({ messages: [], hasMore: false });
        expect(await store.messages.changesAfter("doomed", 0, 10)).toEqual({
          messages: [],
          members: [],
          hasMore: false,
          latestRev: 0,
        });
        expect(await store.members.standing("doomed", bea.id)).toBeNull();
        expect(await store.members.count("doomed")).toBe(0);
        expect(await store.invites.find("hash-doomed")).toBeNull();
        expect(await store.invites.list("doomed")).toEqual([]);
        expect(await store.reads.positions(bea.id)).toEqual({});
        expect(await store.rooms.directRoom(ana.id, bea.id)).toBeNull();
        expect((await store.rooms.memberRooms(bea.id)).map((r) => r.room.name)).toEqual([]);
        expect(
          (await store.rooms.recent(10, { userId: bea.id, admin: true })).map((r) => r.name),
        ).toEqual(["elsewhere"]);
        const { entries } = await store.audit.list("doomed", undefined, 10);
        expect(entries.map((e) => e.action)).toEqual(["kicked"]);
        // The name is free again, for a room with a history of its own.
        await create("doomed", bea);
        expect(await store.rooms.latestRev("doomed")).toBe(1);
        expect((await send("doomed")).seq).toBe(1);
        expect(await store.rooms.remove("never-was")).toBe(false);
      });
    });

    describe("direct rooms", () => {
      it("makes one room per pair, found again in either order", async () => {
        const opened = await store.rooms.openDirect(ana, bea, "dm-one");
        expect(opened.created).toBe(true);
        expect(opened.room).toMatchObject({ name: "dm-one", visibility: "direct", ownerId: null });
        expect(opened.changes.map((c) => [c.user.id, c.kind, c.role, c.rev])).toEqual([
          [ana.id, "joined", "member", 1],
          [bea.id, "added", "member", 2],
        ]);
        const again = await store.rooms.openDirect(bea, ana, "dm-two");
        expect(again).toEqual({ room: opened.room, created: false, changes: [] });
        expect(await store.rooms.info("dm-two")).toBeNull();
        expect(await store.rooms.directRoom(ana.id, bea.id)).toBe("dm-one");
        expect(await store.rooms.directRoom(bea.id, ana.id)).toBe("dm-one");
        expect(await store.rooms.directRoom(ana.id, cai.id)).toBeNull();
        expect(await store.members.count("dm-one")).toBe(2);
        expect(await store.users.find(bea.id)).toEqual(bea);
      });

      it("makes one room when both people open it at once", async () => {
        const results = await Promise.allSettled([
          store.rooms.openDirect(ana, bea, "dm-a"),
          store.rooms.openDirect(bea, ana, "dm-b"),
          store.rooms.openDirect(ana, bea, "dm-c"),
        ]);
        const rooms = results.map((r) =>
          r.status === "fulfilled" ? r.value.room.name : "refused",
        );
        expect(new Set(rooms).size).toBe(1);
        expect(results.filter((r) => r.status === "fulfilled" && r.value.created)).toHaveLength(1);
        const name = rooms[0] as string;
        expect(await store.rooms.directRoom(ana.id, bea.id)).toBe(name);
        const made = await Promise.all(["dm-a", "dm-b", "dm-c"].map((n) => store.rooms.info(n)));
        expect(made.filter((room) => room !== null)).toHaveLength(1);
      });

      it("refuses a name another room holds, writing nothing", async () => {
        await create("taken");
        await expect(store.rooms.openDirect(ana, bea, "taken")).rejects.toBeInstanceOf(
          RoomExistsError,
        );
        expect(await store.rooms.directRoom(ana.id, bea.id)).toBeNull();
        expect(await store.rooms.info("taken")).toMatchObject({ visibility: "public" });
        expect(await store.members.standing("taken", bea.id)).toBeNull();
      });
    });

    describe("invites", () => {
      const day = 24 * 60 * 60_000;
      const invite = (
        tokenHash: string,
        more: { expiresAt?: Date; maxUses?: number | null } = {},
      ) =>
        store.invites.create({
          room: "club",
          tokenHash,
          createdBy: ana,
          expiresAt: more.expiresAt ?? new Date(Date.now() + day),
          maxUses: more.maxUses === undefined ? null : more.maxUses,
        });

      it("stores an invite, found by its token's hash and listed for its room newest first", async () => {
        const expiresAt = new Date(Date.now() + day);
        const first = await invite("hash-1", { expiresAt, maxUses: 3 });
        expect(first).toEqual({
          id: expect.any(String),
          room: "club",
          createdBy: ana,
          expiresAt: expiresAt.toISOString(),
          maxUses: 3,
          uses: 0,
          revoked: false,
          createdAt: expect.any(String),
        });
        const second = await invite("hash-2");
        expect(await store.invites.find("hash-1")).toEqual(first);
        expect(await store.invites.find("nope")).toBeNull();
        expect((await store.invites.list("club")).map((i) => i.id)).toEqual([second.id, first.id]);
        expect(await store.invites.list("other")).toEqual([]);
      });

      it("counts uses up to its limit, then refuses it as used up", async () => {
        await invite("twice", { maxUses: 2 });
        const now = new Date();
        expect(await store.invites.use("twice", now)).toEqual({ room: "club" });
        expect(await store.invites.use("twice", now)).toEqual({ room: "club" });
        expect(await store.invites.use("twice", now)).toEqual({ refused: "used_up" });
        expect((await store.invites.find("twice"))?.uses).toBe(2);
        await invite("unlimited");
        for (let i = 0; i < 5; i++)
          expect(await store.invites.use("unlimited", now)).toEqual({ room: "club" });
      });

      it("refuses an expired, a revoked and an unknown token, counting nothing", async () => {
        const expiresAt = new Date(Date.now() + 60_000);
        await invite("soon", { expiresAt });
        expect(await store.invites.use("soon", new Date(expiresAt.getTime() - 1))).toEqual({
          room: "club",
        });
        expect(await store.invites.use("soon", expiresAt)).toEqual({ refused: "expired" });
        expect((await store.invites.find("soon"))?.uses).toBe(1);

        const revoked = await invite("revoked");
        expect(await store.invites.revoke("other-room", revoked.id)).toBe(false);
        expect(await store.invites.revoke("club", revoked.id)).toBe(true);
        expect(await store.invites.use("revoked", new Date())).toEqual({ refused: "revoked" });
        expect(await store.invites.find("revoked")).toMatchObject({ revoked: true, uses: 0 });
        expect(await store.invites.use("unknown", new Date())).toEqual({ refused: "not_found" });
        expect(await store.invites.revoke("club", "no-such-id")).toBe(false);
      });

      it("admits exactly one of many concurrent uses of a single-use invite", async () => {
        await invite("single", { maxUses: 1 });
        const now = new Date();
        const results = await Promise.all(
          Array.from({ length: 8 }, () => store.invites.use("single", now)),
        );
        expect(results.filter((r) => "room" in r)).toHaveLength(1);
        expect(results.filter((r) => "refused" in r && r.refused === "used_up")).toHaveLength(7);
        expect((await store.invites.find("single"))?.uses).toBe(1);
      });
    });

    describe("audit log", () => {
      it("lists a room's entries newest first, page by page with a `before` cursor", async () => {
        const recorded = [];
        for (let i = 0; i < 7; i++)
          recorded.push(
            await store.audit.record({
              room: "audited",
              action: i % 2 ? "kicked" : "message-deleted",
              actor: ana,
              target: i % 2 ? bea : null,
              message: i % 2 ? null : { id: `m${i}`, seq: i + 1 },
              detail: `entry ${i}`,
            }),
          );
        await store.audit.record({
          room: "other",
          action: "banned",
          actor: ana,
          target: bea,
          message: null,
          detail: "",
        });
        expect(recorded[1]).toEqual({
          id: expect.any(String),
          room: "audited",
          action: "kicked",
          actor: ana,
          target: bea,
          message: null,
          detail: "entry 1",
          at: expect.any(String),
        });
        expect(recorded[0]?.message).toEqual({ id: "m0", seq: 1 });
        const first = await store.audit.list("audited", undefined, 3);
        expect(first.hasMore).toBe(true);
        expect(first.entries.map((e) => e.detail)).toEqual(["entry 6", "entry 5", "entry 4"]);
        const second = await store.audit.list("audited", first.entries.at(-1)?.id, 3);
        expect(second.entries.map((e) => e.detail)).toEqual(["entry 3", "entry 2", "entry 1"]);
        const last = await store.audit.list("audited", second.entries.at(-1)?.id, 3);
        expect(last).toEqual({ entries: [recorded[0]], hasMore: false });
        expect((await store.audit.list("audited", undefined, 50)).entries).toEqual(
          recorded.toReversed(),
        );
      });
    });

    describe("rooms.recent per viewer", () => {
      it("lists public rooms to all, private and direct ones to their members, every private one to admins", async () => {
        await send("public-talk");
        await tick();
        await create("ana-private", ana, "private");
        await tick();
        await create("bea-private", bea, "private");
        await tick();
        await store.rooms.openDirect(bea, cai, "dm-bea-cai");
        await tick();
        await store.rooms.openDirect(ana, bea, "dm-ana-bea");
        await tick();
        await store.rooms.create({
          name: "empty-public",
          visibility: "public",
          topic: "quiet",
          owner: cai,
        });

        const names = async (viewer?: { userId: string | null; admin: boolean }) =>
          (await store.rooms.recent(50, viewer)).map((r) => r.name).toSorted();
        expect(await names()).toEqual(["empty-public", "public-talk"]);
        expect(await names({ userId: null, admin: false })).toEqual([
          "empty-public",
          "public-talk",
        ]);
        expect(await names({ userId: ana.id, admin: false })).toEqual([
          "ana-private",
          "dm-ana-bea",
          "empty-public",
          "public-talk",
        ]);
        expect(await names({ userId: cai.id, admin: false })).toEqual([
          "dm-bea-cai",
          "empty-public",
          "public-talk",
        ]);
        // An admin sees every private room, but only their own direct rooms.
        expect(await names({ userId: ana.id, admin: true })).toEqual([
          "ana-private",
          "bea-private",
          "dm-ana-bea",
          "empty-public",
          "public-talk",
        ]);
        // Having left, a private room is no longer theirs to see.
        await change("ana-private", ana, "left");
        expect(await names({ userId: ana.id, admin: false })).not.toContain("ana-private");
      });

      it("lists a room with no message yet at the time it was made, with its visibility and topic", async () => {
        await send("older");
        await tick();
        const { room } = await store.rooms.create({
          name: "brand-new",
          visibility: "public",
          topic: "just made",
          owner: bea,
        });
        const listed = await store.rooms.recent(10);
        expect(listed).toEqual([
          {
            name: "brand-new",
            latestSeq: 0,
            lastMessageAt: room.createdAt.toISOString(),
            visibility: "public",
            topic: "just made",
          },
          expect.objectContaining({ name: "older", latestSeq: 1, visibility: "public", topic: "" }),
        ]);
      });
    });

    describe("messages: the moderator's delete", () => {
      it("marks a message a moderator removed, wherever it is read; not one its author deleted", async () => {
        await create("moderated");
        const theirs = await send("moderated", bea, "rude words");
        const own = await send("moderated", ana, "my typo");
        const plain = await send("moderated", bea, "regret");

        const removed = await store.messages.change({
          room: "moderated",
          id: theirs.id,
          actor: ana,
          change: { kind: "delete", byModerator: true },
        });
        expect(removed.message).toMatchObject({
          deleted: true,
          text: "",
          removedByModerator: true,
        });
        // A moderator deleting their own message deletes it as its author.
        const ownRemoved = await store.messages.change({
          room: "moderated",
          id: own.id,
          actor: ana,
          change: { kind: "delete", byModerator: true },
        });
        expect(ownRemoved.message).not.toHaveProperty("removedByModerator");
        const selfDeleted = await store.messages.change({
          room: "moderated",
          id: plain.id,
          actor: bea,
          change: { kind: "delete" },
        });
        expect(selfDeleted.message).toEqual({
          ...plain,
          text: "",
          deleted: true,
          rev: selfDeleted.message.rev,
        });

        const page = await store.messages.latest("moderated", 10);
        expect(page.messages.map((m) => m.removedByModerator)).toEqual([
          true,
          undefined,
          undefined,
        ]);
        expect(page.messages[0]).toEqual(removed.message);
        const changes = await store.messages.changesAfter("moderated", 0, 10);
        expect(changes.messages.find((m) => m.id === theirs.id)).toEqual(removed.message);
        const duplicate = await store.messages.append({
          room: "moderated",
          clientId: theirs.clientId,
          author: bea,
          text: "rude words",
        });
        expect(duplicate).toEqual({ duplicate: true, message: removed.message });
        // Removed again: unchanged, and still marked.
        const again = await store.messages.change({
          room: "moderated",
          id: theirs.id,
          actor: ana,
          change: { kind: "delete", byModerator: true },
        });
        expect(again).toMatchObject({ changed: false, message: removed.message });
        // Without the moderator's say-so, someone else's message is not theirs to delete.
        const another = await send("moderated", bea);
        await expect(
          store.messages.change({
            room: "moderated",
            id: another.id,
            actor: ana,
            change: { kind: "delete" },
          }),
        ).rejects.toMatchObject({ code: "forbidden" });
      });
    });

    describe("users.findByName", () => {
      it("finds stored users whose name starts with the text, case-insensitively, by name, up to a limit", async () => {
        for (const [id, name] of [
          ["u1", "alice"],
          ["u2", "Alina"],
          ["u3", "ALBERT"],
          ["u4", "Bob"],
          ["u5", "Malice"],
        ] as const)
          await store.users.rename(id, name);
        expect((await store.users.findByName("al", 10)).map((u) => u.name)).toEqual([
          "ALBERT",
          "alice",
          "Alina",
        ]);
        expect(await store.users.findByName("ALI", 10)).toEqual([
          { id: "u1", name: "alice" },
          { id: "u2", name: "Alina" },
        ]);
        expect(await store.users.findByName("al", 2)).toHaveLength(2);
        expect(await store.users.findByName("zed", 10)).toEqual([]);
      });

      it("takes % and _ in the text as themselves", async () => {
        for (const [id, name] of [
          ["u1", "50%off"],
          ["u2", "500 club"],
          ["u3", "a_b"],
          ["u4", "axb"],
          ["u5", "%percent"],
          ["u6", "back\\slash"],
        ] as const)
          await store.users.rename(id, name);
        expect((await store.users.findByName("50%", 10)).map((u) => u.name)).toEqual(["50%off"]);
        expect((await store.users.findByName("a_", 10)).map((u) => u.name)).toEqual(["a_b"]);
        expect((await store.users.findByName("%", 10)).map((u) => u.name)).toEqual(["%percent"]);
        expect((await store.users.findByName("_", 10)).map((u) => u.name)).toEqual([]);
        expect((await store.users.findByName("back\\", 10)).map((u) => u.name)).toEqual([
          "back\\slash",
        ]);
      });
    });

    describe("messages.importHistory of rooms", () => {
      it("takes rooms, memberships, invites, the audit log and direct pairs as they are; again changes nothing", async () => {
        await store.rooms.create({ name: "club", visibility: "private", topic: "t", owner: ana });
        await join("club", bea);
        const said = await send("club", bea);
        await change("club", bea, "muted", { mutedUntil: Date.now() + 60_000, by: ana });
        await store.rooms.create({ name: "quiet", visibility: "public", topic: "", owner: bea });
        const dm = await store.rooms.openDirect(ana, bea, "dm-ab");
        const invite = await store.invites.create({
          room: "club",
          tokenHash: "club-hash",
          createdBy: ana,
          expiresAt: new Date(Date.now() + 60_000),
          maxUses: 2,
        });
        await store.invites.use("club-hash", new Date());
        const entry = await store.audit.record({
          room: "club",
          action: "muted",
          actor: ana,
          target: bea,
          message: null,
          detail: "10 minutes",
        });

        const rooms = [];
        const memberships = [];
        for (const name of ["club", "quiet", "dm-ab"]) {
          const info = await store.rooms.info(name);
          if (!info) throw new Error(`no room ${name}`);
          const listed =
            (await store.rooms.recent(10, { userId: ana.id, admin: true })).find(
              (r) => r.name === name,
            ) ??
            (await store.rooms.recent(10, { userId: bea.id, admin: false })).find(
              (r) => r.name === name,
            );
          rooms.push({
            ...info,
            latestSeq: await store.rooms.latestSeq(name),
            latestRev: await store.rooms.latestRev(name),
            lastMessageAt: new Date(listed?.lastMessageAt ?? info.createdAt),
          });
          for (const m of (await store.messages.changesAfter(name, 0, 100)).members) {
            const standing = await store.members.standing(name, m.user.id);
            if (!standing) throw new Error("no standing");
            memberships.push({ ...standing, kind: m.kind, by: m.by, changedAt: new Date(m.at) });
          }
        }
        const history = await store.messages.changesAfter("club", 0, 100);
        const batches = [
          { users: [ana, bea] },
          { messages: history.messages },
          {
            rooms,
            memberships,
            invites: [
              {
                ...invite,
                tokenHash: "club-hash",
                uses: 1,
                expiresAt: new Date(invite.expiresAt),
                createdAt: new Date(invite.createdAt),
              },
            ],
            audit: [entry],
            directRooms: [{ userLow: ana.id, userHigh: bea.id, room: dm.room.name }],
          },
        ];
        const target = await openFresh();
        try {
          await target.store.messages.importHistory(batches);
          await target.store.messages.importHistory(batches);
          const copy = target.store;
          for (const name of ["club", "quiet", "dm-ab"]) {
            expect(await copy.rooms.info(name)).toEqual(await store.rooms.info(name));
            expect(await copy.messages.changesAfter(name, 0, 100)).toEqual(
              await store.messages.changesAfter(name, 0, 100),
            );
            expect(await copy.members.list(name, undefined, 10)).toEqual(
              await store.members.list(name, undefined, 10),
            );
          }
          expect(await copy.rooms.recent(10)).toEqual(await store.rooms.recent(10));
          expect(await copy.rooms.recent(10, { userId: bea.id, admin: false })).toEqual(
            await store.rooms.recent(10, { userId: bea.id, admin: false }),
          );
          expect(await copy.rooms.directRoom(bea.id, ana.id)).toBe("dm-ab");
          expect(await copy.invites.find("club-hash")).toEqual(
            await store.invites.find("club-hash"),
          );
          expect(await copy.audit.list("club", undefined, 10)).toEqual(
            await store.audit.list("club", undefined, 10),
          );
          // The counters go on where they were.
          const next = await copy.messages.append({
            room: "club",
            clientId: "after-copy",
            author: ana,
            text: "next",
          });
          expect([next.message.seq, next.message.rev]).toEqual([
            said.seq + 1,
            (await store.rooms.latestRev("club")) + 1,
          ]);
          expect((await join("quiet", cai)).change.rev).toBe(2);
          expect(
            (await copy.members.change({ room: "quiet", user: cai, kind: "joined", by: null }))
              .change.rev,
          ).toBe(2);
        } finally {
          await target.destroy();
        }
      });
    });

    describe("durability", () => {
      it("keeps rooms, memberships, invites, the audit log and direct pairs across a reopen", async () => {
        await create("kept", ana, "private");
        await join("kept", bea);
        await store.rooms.openDirect(ana, bea, "dm-kept");
        await store.invites.create({
          room: "kept",
          tokenHash: "kept-hash",
          createdBy: ana,
          expiresAt: new Date(Date.now() + 60_000),
          maxUses: 1,
        });
        await store.audit.record({
          room: "kept",
          action: "room-updated",
          actor: ana,
          target: null,
          message: null,
          detail: "topic",
        });
        const before = await store.messages.changesAfter("kept", 0, 10);
        await store.close();
        store = await subject.reopen();
        expect(await store.rooms.info("kept")).toMatchObject({
          visibility: "private",
          ownerId: ana.id,
        });
        expect(await store.messages.changesAfter("kept", 0, 10)).toEqual(before);
        expect(await store.rooms.directRoom(bea.id, ana.id)).toBe("dm-kept");
        expect(await store.invites.use("kept-hash", new Date())).toEqual({ room: "kept" });
        expect((await store.audit.list("kept", undefined, 5)).entries).toHaveLength(1);
        expect((await join("kept", cai)).change.rev).toBe(3);
      });
    });
  });
}
