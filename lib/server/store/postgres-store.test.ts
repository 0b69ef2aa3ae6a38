import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestSchema } from "../testing/postgres";
import { postgresStoreFixture } from "../testing/postgres-store-fixture";
import { describeChangeLogContract } from "./change-log-contract";
import { describeMembershipContract } from "./membership-contract";
import { describeMentionsContract } from "./mentions-contract";
import { describeNotificationsContract } from "./notifications-contract";
import { PostgresStore } from "./postgres-store";
import { describeStoreContract } from "./store-contract";
import { StoreUnavailableError } from "./types";

const author = { id: "user-1", name: "Ana" };

describeStoreContract("Postgres", postgresStoreFixture);

describeMembershipContract("Postgres", postgresStoreFixture);

describeNotificationsContract("Postgres", postgresStoreFixture);

describeMentionsContract("Postgres", postgresStoreFixture);

describeChangeLogContract("Postgres", postgresStoreFixture);

describe("PostgresStore with several instances on one database", () => {
  it("migrates once when instances start together", async () => {
    const schema = await createTestSchema();
    try {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => PostgresStore.open(schema.url)),
      );
      await Promise.all(stores.map((store) => store.close()));
    } finally {
      await schema.drop();
    }
  });

  it("keeps one gap-free sequence per room when instances write to it at once", async () => {
    const schema = await createTestSchema();
    const instances = await Promise.all([
      PostgresStore.open(schema.url),
      PostgresStore.open(schema.url),
    ]);
    try {
      const sends = Array.from({ length: 120 }, (_, i) =>
        (instances[i % 2] as PostgresStore).messages.append({
          room: "shared",
          clientId: `c${i}`,
          author,
          text: `m${i}`,
        }),
      );
      const results = await Promise.all(sends);
      const seqs = results.map((r) => r.message.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect(await (instances[0] as PostgresStore).rooms.latestSeq("shared")).toBe(120);
    } finally {
      await Promise.all(instances.map((store) => store.close()));
      await schema.drop();
    }
  });
});

describe("PostgresStore when a lock is held elsewhere", () => {
  it("answers an append unavailable within its lock timeout, then stores it once the lock is released", async () => {
    const schema = await createTestSchema();
    const store = await PostgresStore.open(schema.url);
    const operator = new pg.Client({ connectionString: schema.url });
    await operator.connect();
    try {
      const author = { id: "user-1", name: "Ana" };
      await store.messages.append({ room: "locked", clientId: "c1", author, text: "first" });
      // An operator's session, or a stuck instance, holding the room's row.
      await operator.query("BEGIN");
      await operator.query("SELECT * FROM rooms WHERE name = 'locked' FOR UPDATE");

      const started = performance.now();
      const refused = await store.messages
        .append({ room: "locked", clientId: "c2", author, text: "second" })
        .then(
          () => null,
          (error: unknown) => error,
        );
      const waitedMs = performance.now() - started;
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect(refused).toMatchObject({ fault: { kind: "busy", code: "55P03" }, retryAfterMs: 500 });
      expect(waitedMs).toBeGreaterThan(1_500);
      expect(waitedMs).toBeLessThan(5_000);
      // Other rooms are not locked: the store as a whole is not failing.
      expect(store.health.current.status).toBe("ok");
      await store.messages.append({ room: "free", clientId: "f1", author, text: "elsewhere" });

      await operator.query("COMMIT");
      const stored = await store.messages.append({
        room: "locked",
        clientId: "c2",
        author,
        text: "second",
      });
      expect(stored).toMatchObject({ duplicate: false, message: { seq: 2 } });
    } finally {
      await operator.end();
      await store.close();
      await schema.drop();
    }
  });
});

describe("PostgresStore under a flood of queries", () => {
  it("refuses at once, as unavailable, what would wait beyond its queue, and serves the rest", async () => {
    const schema = await createTestSchema();
    const store = await PostgresStore.open(schema.url, { poolSize: 1, maxWaitingPerConnection: 3 });
    // Another session holds the room's row locked: the store's one connection waits on it.
    const blocker = new pg.Client({ connectionString: schema.url });
    await blocker.connect();
    try {
      await store.messages.append({ room: "busy", clientId: "c0", author, text: "first" });
      await blocker.query("BEGIN");
      await blocker.query("SELECT * FROM rooms WHERE name = 'busy' FOR UPDATE");
      const held = store.messages.append({ room: "busy", clientId: "c1", author, text: "held" });
      await new Promise((resolve) => setTimeout(resolve, 100));

      const flood = Array.from({ length: 10 }, () =>
        store.messages.latest("busy", 1).then(
          () => "served",
          (error: unknown) => (error instanceof StoreUnavailableError ? "unavailable" : `${error}`),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      await blocker.query("COMMIT");
      const outcomes = await Promise.all(flood);
      expect(outcomes.filter((o) => o === "served").length).toBe(3);
      expect(outcomes.filter((o) => o === "unavailable").length).toBe(7);
      expect((await held).message.seq).toBe(2);
    } finally {
      await blocker.end();
      await store.close();
      await schema.drop();
    }
  });
});
