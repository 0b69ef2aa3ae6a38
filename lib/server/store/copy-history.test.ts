import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newTestAccount, signIn, signUp } from "../testing/accounts";
import { ChatTestServer } from "../testing/chat-test-server";
import { createTestSchema } from "../testing/postgres";
import { copySqliteToPostgres } from "./copy-history";
import { PostgresStore } from "./postgres-store";
import { SqliteStore } from "./sqlite-store";

describe("copying a SQLite history into Postgres", () => {
  let dir: string;
  let sqlitePath: string;
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "scrollback-copy-"));
    sqlitePath = join(dir, "scrollback.db");
    schema = await createTestSchema();
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await schema.drop();
  });

  async function seedSqlite(): Promise<void> {
    const source = new SqliteStore(sqlitePath);
    const ana = await source.users.create({ id: "user-ana", name: "Ana" });
    const bea = await source.users.create({ id: "user-bea", name: "Bea" });
    for (let i = 1; i <= 1_203; i++) {
      await source.messages.append({
        room: "general",
        clientId: `g${i}`,
        author: i % 2 ? ana : bea,
        text: `general ${i}`,
      });
    }
    await source.messages.append({
      room: "random",
      clientId: "r1",
      author: bea,
      text: "<b>verbatim</b> 😀\nline",
    });
    await source.users.rename(ana.id, "Ana Souza");
    await source.users.revokeCredentials(bea.id);
    await source.users.revokeCredentials("lurker-who-never-wrote");
    await source.close();
  }

  it("carries whom each message names, and the target lists each person's mentions", async () => {
    const source = new SqliteStore(sqlitePath);
    const ana = await source.users.create({ id: "user-ana", name: "Ana" });
    const named = await source.messages.append({
      room: "general",
      clientId: "m1",
      author: ana,
      text: "@Bea @room",
      mentions: { userIds: ["user-bea"], all: "room" },
    });
    const withdrawn = await source.messages.append({
      room: "general",
      clientId: "m2",
      author: ana,
      text: "@Bea",
      mentions: { userIds: ["user-bea"], all: null },
    });
    await source.messages.change({
      room: "general",
      id: withdrawn.message.id,
      actor: ana,
      change: { kind: "delete" },
    });
    await source.close();
    await copySqliteToPostgres(sqlitePath, schema.url);
    const target = await PostgresStore.open(schema.url);
    try {
      const page = await target.messages.mentionsOf("user-bea", undefined, 10);
      expect(page.messages).toEqual([named.message]);
      expect(page.messages[0]).toMatchObject({ mentions: ["user-bea"], mentionsAll: "room" });
    } finally {
      await target.close();
    }
  });

  it("carries the files: messages' attachments and the uploads' rows, attached, released or not", async () => {
    const source = new SqliteStore(sqlitePath);
    const ana = { id: "user-ana", name: "Ana" };
    const upload = (n: number, createdAt = new Date(Date.parse("2026-05-06T07:08:09.000Z"))) => ({
      id: `0000000${n}-0000-4000-8000-000000000000`,
      uploaderId: ana.id,
      address: "203.0.113.7",
      name: `photo-${n}.jpg`,
      size: 1000 * n,
      type: "image/jpeg",
      contentKey: `${n}`.repeat(64),
      width: 800,
      height: 600,
      placeholder: "3OcRJYB4d3h/iIeHeEh3eIhw+j3A",
      variants: ["thumb", "preview"],
      createdAt,
    });
    for (const n of [1, 2, 3]) await source.uploads.add(upload(n));
    const kept = await source.messages.append({
      room: "general",
      clientId: "f1",
      author: ana,
      text: "",
      attachments: [upload(1).id],
    });
    const gone = await source.messages.append({
      room: "general",
      clientId: "f2",
      author: ana,
      text: "soon gone",
      attachments: [upload(2).id],
    });
    await source.messages.change({
      room: "general",
      id: gone.message.id,
      actor: ana,
      change: { kind: "delete" },
    });
    const rows = await Promise.all([1, 2, 3].map((n) => source.uploads.find(upload(n).id)));
    await source.close();

    await copySqliteToPostgres(sqlitePath, schema.url);
    // Twice: the second run skips what is there.
    await copySqliteToPostgres(sqlitePath, schema.url);
    const target = await PostgresStore.open(schema.url);
    try {
      const page = await target.messages.latest("general", 10);
      expect(page.messages[0]).toEqual(kept.message);
      expect(page.messages[0]?.attachments).toHaveLength(1);
      expect(page.messages[1]).not.toHaveProperty("attachments");
      expect(await Promise.all([1, 2, 3].map((n) => target.uploads.find(upload(n).id)))).toEqual(
        rows,
      );
      expect(rows.map((row) => [row?.messageId ?? null, row?.released])).toEqual([
        [kept.message.id, false],
        [gone.message.id, true],
        [null, false],
      ]);
    } finally {
      await target.close();
    }
  });

  it("moves every message with its id, seq, clientId, author and time; the sequence continues in Postgres", async () => {
    await seedSqlite();
    const progress: number[] = [];
    const report = await copySqliteToPostgres(sqlitePath, schema.url, (copied) =>
      progress.push(copied),
    );
    expect(report).toEqual({ users: 2, messages: 1_204, rooms: 2, accounts: 0 });
    expect(progress.at(-1)).toBe(1_204);

    const source = new SqliteStore(sqlitePath);
    const target = await PostgresStore.open(schema.url);
    try {
      for (const room of ["general", "random"]) {
        const before = await source.messages.after(room, 0, 200);
        const after = await target.messages.after(room, 0, 200);
        expect(after).toEqual(before);
        expect(await target.rooms.latestSeq(room)).toBe(await source.rooms.latestSeq(room));
      }
      expect(await target.messages.latest("general", 3)).toEqual(
        await source.messages.latest("general", 3),
      );
      expect(await target.users.find("user-ana")).toEqual({ id: "user-ana", name: "Ana Souza" });
      // Revoked credentials stay revoked after the move.
      expect(await target.users.credentialGeneration("user-bea")).toBe(1);
      expect(await target.users.credentialGeneration("lurker-who-never-wrote")).toBe(1);
      expect(await target.users.credentialGeneration("user-ana")).toBe(0);
      // The same list, shared rooms first: "general" before the newer "random".
      expect(await target.rooms.recent(10)).toEqual(await source.rooms.recent(10));
      expect((await target.rooms.recent(10)).map((r) => r.name)).toEqual(["general", "random"]);

      // A bot resending a message it sent before the move is recognised as a duplicate...
      const retry = await target.messages.append({
        room: "random",
        clientId: "r1",
        author: { id: "user-bea", name: "Bea" },
        text: "<b>verbatim</b> 😀\nline",
      });
      expect(retry.duplicate).toBe(true);
      // ...and new messages continue the sequence.
      const next = await target.messages.append({
        room: "general",
        clientId: "after-move",
        author: { id: "user-bea", name: "Bea" },
        text: "first in Postgres",
      });
      expect(next.message.seq).toBe(1_204);
    } finally {
      await source.close();
      await target.close();
    }
  });

  it("can run again without changing anything", async () => {
    await seedSqlite();
    await copySqliteToPostgres(sqlitePath, schema.url);
    const again = await copySqliteToPostgres(sqlitePath, schema.url);
    expect(again.messages).toBe(1_204);
    const target = await PostgresStore.open(schema.url);
    try {
      expect(await target.rooms.latestSeq("general")).toBe(1_203);
      const all = await target.messages.after("general", 0, 200);
      expect(all.messages[0]?.text).toBe("general 1");
    } finally {
      await target.close();
    }
  });

  it("moves notification levels and push subscriptions, and again without doubling them", async () => {
    await seedSqlite();
    const source = new SqliteStore(sqlitePath);
    await source.notifications.setLevel("user-bea", "general", "all");
    await source.notifications.subscribe({
      endpoint: "https://push.example.com/bea",
      userId: "user-bea",
      p256dh: "B".repeat(87),
      auth: "A".repeat(22),
      previews: true,
    });
    await source.close();
    await copySqliteToPostgres(sqlitePath, schema.url);
    await copySqliteToPostgres(sqlitePath, schema.url);
    const target = await PostgresStore.open(schema.url);
    try {
      expect(await target.notifications.levels("user-bea")).toEqual({ general: "all" });
      expect(
        (await target.notifications.subscriptions(["user-bea"])).map((s) => [
          s.endpoint,
          s.previews,
        ]),
      ).toEqual([["https://push.example.com/bea", true]]);
    } finally {
      await target.close();
    }
  });

  it("refuses a target that holds other messages at the same seqs, and leaves it untouched", async () => {
    await seedSqlite();
    const target = await PostgresStore.open(schema.url);
    await target.messages.append({
      room: "general",
      clientId: "elsewhere",
      author: { id: "someone", name: "Someone" },
      text: "a different history",
    });
    await target.close();

    await expect(copySqliteToPostgres(sqlitePath, schema.url)).rejects.toThrow(/other messages/);

    const after = await PostgresStore.open(schema.url);
    try {
      expect(await after.rooms.latestSeq("general")).toBe(1);
      expect(await after.rooms.latestSeq("random")).toBe(0);
      expect(await after.users.find("user-ana")).toBeNull();
    } finally {
      await after.close();
    }
  });

  it("moves rooms as they belong to people: private rooms stay private, with their members, invites, audit log, direct rooms and moderators' deletes", async () => {
    const ana = { id: "user-ana", name: "Ana" };
    const bea = { id: "user-bea", name: "Bea" };
    const source = new SqliteStore(sqlitePath);
    await source.rooms.create({ name: "secret", visibility: "private", topic: "shh", owner: ana });
    await source.members.change({ room: "secret", user: bea, kind: "added", by: ana });
    const rude = await source.messages.append({
      room: "secret",
      clientId: "s1",
      author: bea,
      text: "rude",
    });
    await source.messages.change({
      room: "secret",
      id: rude.message.id,
      actor: ana,
      change: { kind: "delete", byModerator: true },
    });
    await source.members.change({ room: "secret", user: bea, kind: "banned", by: ana });
    await source.rooms.openDirect(ana, bea, "dm-ana-bea");
    await source.invites.create({
      room: "secret",
      tokenHash: "secret-hash",
      createdBy: ana,
      expiresAt: new Date(Date.now() + 60_000),
      maxUses: 1,
    });
    await source.audit.record({
      room: "secret",
      action: "message-deleted",
      actor: ana,
      target: bea,
      message: { id: rude.message.id, seq: 1 },
      detail: "",
    });
    await source.close();

    await copySqliteToPostgres(sqlitePath, schema.url);
    await copySqliteToPostgres(sqlitePath, schema.url);

    const before = new SqliteStore(sqlitePath);
    const after = await PostgresStore.open(schema.url);
    try {
      for (const room of ["secret", "dm-ana-bea"]) {
        expect(await after.rooms.info(room)).toEqual(await before.rooms.info(room));
        expect(await after.messages.changesAfter(room, 0, 50)).toEqual(
          await before.messages.changesAfter(room, 0, 50),
        );
      }
      expect((await after.rooms.info("secret"))?.visibility).toBe("private");
      expect(await after.rooms.recent(10)).toEqual([]);
      expect(await after.members.standing("secret", bea.id)).toEqual(
        await before.members.standing("secret", bea.id),
      );
      expect((await after.messages.latest("secret", 5)).messages[0]?.removedByModerator).toBe(true);
      expect(await after.rooms.directRoom(bea.id, ana.id)).toBe("dm-ana-bea");
      expect(await after.invites.find("secret-hash")).toEqual(
        await before.invites.find("secret-hash"),
      );
      expect(await after.audit.list("secret", undefined, 5)).toEqual(
        await before.audit.list("secret", undefined, 5),
      );
      // Changes go on with the next rev.
      const unbanned = await after.members.change({
        room: "secret",
        user: bea,
        kind: "unbanned",
        by: ana,
      });
      expect(unbanned.change.rev).toBe((await before.rooms.latestRev("secret")) + 1);
    } finally {
      await before.close();
      await after.close();
    }
  });

  it("moves accounts too: a person stays signed in, and signs in with the password chosen before", async () => {
    const before = await ChatTestServer.start();
    const person = newTestAccount("Ana Souza");
    const { cookie, chatUserId } = await signUp(before, person);
    await before.app.shutdown(0);
    try {
      const report = await copySqliteToPostgres(before.dbPath, schema.url);
      expect(report.accounts).toBe(1);
      expect((await copySqliteToPostgres(before.dbPath, schema.url)).accounts).toBe(0);
    } finally {
      rmSync(before.dir, { recursive: true, force: true });
    }
    const after = await ChatTestServer.start({
      openStore: () => PostgresStore.open(schema.url),
      database: { engine: "postgres", url: schema.url },
    });
    try {
      expect(await after.app.accounts?.signedInFromCookie(cookie)).toMatchObject({
        chatUserId,
        email: person.email,
        role: "admin",
        name: "Ana Souza",
      });
      await signIn(after, person);
    } finally {
      await after.dispose();
    }
  });
});
