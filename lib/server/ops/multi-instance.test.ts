import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../store/postgres-store";
import { ChatTestServer, collectMessages, eventually, request } from "../testing/chat-test-server";
import { createTestSchema } from "../testing/postgres";
import { TEST_REDIS_URL } from "../testing/redis-process";

/** Two instances of one deployment: one Postgres schema, one Redis, each its own port. */
async function startDeployment() {
  const schema = await createTestSchema();
  const prefix = `test-${randomBytes(4).toString("hex")}`;
  const start = () =>
    ChatTestServer.start({
      openStore: () => PostgresStore.open(schema.url),
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
    });
  const [a, b] = await Promise.all([start(), start()]);
  await eventually(() => {
    expect(a.app.redis?.isReady()).toBe(true);
    expect(b.app.redis?.isReady()).toBe(true);
  });
  return {
    a,
    b,
    async dispose() {
      await Promise.all([a.dispose(), b.dispose()]);
      await schema.drop();
    },
  };
}

describe("two instances on one Postgres and one Redis", () => {
  let deployment: Awaited<ReturnType<typeof startDeployment>>;
  beforeEach(async () => {
    deployment = await startDeployment();
  });
  afterEach(async () => {
    await deployment.dispose();
  });

  it("delivers a message sent on instance A to a client on instance B", async () => {
    const { a, b } = deployment;
    const ana = await a.connect({ auth: { name: "Ana" } });
    const bea = await b.connect({ auth: { name: "Bea" } });
    const heardByBea = collectMessages(bea.socket);
    const heardByAna = collectMessages(ana.socket);
    await request(ana.socket, "room:join", { room: "general" });
    await request(bea.socket, "room:join", { room: "general" });

    const sent = await request(ana.socket, "message:send", {
      room: "general",
      text: "from A",
      clientId: "a1",
    });
    expect(sent).toMatchObject({ ok: true, message: { seq: 1 } });

    await eventually(() => {
      expect(heardByBea.map((m) => [m.seq, m.text, m.author.name])).toEqual([[1, "from A", "Ana"]]);
      expect(heardByAna.map((m) => m.text)).toEqual(["from A"]);
    });
  });

  it("gives a newcomer on instance B the history written through instance A", async () => {
    const { a, b } = deployment;
    const ana = await a.connect();
    await request(ana.socket, "room:join", { room: "history" });
    for (let i = 1; i <= 3; i++) {
      await request(ana.socket, "message:send", {
        room: "history",
        text: `m${i}`,
        clientId: `c${i}`,
      });
    }

    const newcomer = await b.connect();
    const joined = await request(newcomer.socket, "room:join", { room: "history" });
    expect(joined).toMatchObject({ ok: true, latestSeq: 3, hasMore: false });
    expect(joined.ok && joined.messages.map((m) => m.text)).toEqual(["m1", "m2", "m3"]);
  });

  it("keeps one gap-free seq when people on both instances send to one room at once", async () => {
    const { a, b } = deployment;
    const senders = await Promise.all([a.connect(), a.connect(), b.connect(), b.connect()]);
    const watcher = await b.connect();
    const heard = collectMessages(watcher.socket);
    await request(watcher.socket, "room:join", { room: "busy" });
    for (const { socket } of senders) await request(socket, "room:join", { room: "busy" });

    const perSender = 25;
    const acks = await Promise.all(
      senders.flatMap(({ socket }, s) =>
        Array.from({ length: perSender }, (_, i) =>
          request(socket, "message:send", {
            room: "busy",
            text: `s${s} m${i}`,
            clientId: `s${s}-${i}`,
          }),
        ),
      ),
    );
    const total = senders.length * perSender;
    const seqs = acks.map((ack) => (ack.ok ? ack.message.seq : -1)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // The watcher, on one instance, hears every message once, whichever instance stored it.
    await eventually(() => expect(heard).toHaveLength(total));
    expect(new Set(heard.map((m) => m.seq)).size).toBe(total);
  });
});
