import { randomBytes } from "node:crypto";
import { io } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { memoryOutboxStorage } from "../../client/outbox";
import { type ChatClientSocket, RoomClient } from "../../client/room-client";
import { PostgresStore } from "../store/postgres-store";
import { ChatTestServer, eventually, request } from "../testing/chat-test-server";
import { LinkRelay } from "../testing/link-relay";
import { createTestSchema, TEST_POSTGRES_URL, urlWithSchema } from "../testing/postgres";
import { RedisProcess } from "../testing/redis-process";

const ROOM = "general";
const WAIT_MS = 20_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A RoomClient as a browser tab runs it (the real client logic), reconnecting by itself. */
function openTab(server: ChatTestServer): RoomClient {
  let token: string | undefined;
  const socket: ChatClientSocket = io(server.url, {
    transports: ["websocket"],
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 500,
    auth: (send) => send(token ? { token } : { name: "Tab" }),
  });
  socket.on("session", (session) => {
    token = session.token;
  });
  const client = new RoomClient(socket, ROOM, memoryOutboxStorage(), {
    requestTimeoutMs: 2_000,
    retryDelayMs: 100,
  });
  client.start();
  cleanups.push(() => {
    client.stop();
    socket.disconnect();
  });
  return client;
}

const texts = (client: RoomClient) => client.getSnapshot().timeline.messages.map((m) => m.text);

async function waitJoined(...clients: RoomClient[]): Promise<void> {
  await eventually(() => {
    for (const client of clients) expect(client.getSnapshot().joined).toBe(true);
  }, WAIT_MS);
}

describe("when Redis goes away", () => {
  it("keeps storing, acknowledging and delivering on each instance; the others catch up once it returns", async () => {
    const redis = await RedisProcess.start();
    cleanups.push(() => redis.stop());
    const schema = await createTestSchema();
    cleanups.push(() => schema.drop());
    const prefix = `faults-${randomBytes(4).toString("hex")}`;
    const start = async () => {
      const server = await ChatTestServer.start({
        openStore: () => PostgresStore.open(schema.url),
        redisUrl: redis.url,
        redisPrefix: prefix,
      });
      cleanups.push(() => server.dispose());
      return server;
    };
    const [a, b] = [await start(), await start()];
    await eventually(
      () => expect(a.app.redis?.isReady() && b.app.redis?.isReady()).toBe(true),
      WAIT_MS,
    );

    const ana = openTab(a);
    const anaOtherTab = openTab(a);
    const bea = openTab(b);
    await waitJoined(ana, anaOtherTab, bea);
    ana.send("before the outage");
    await eventually(() => expect(texts(bea)).toEqual(["before the outage"]), WAIT_MS);

    await redis.stop();
    await eventually(() => expect(a.app.redis?.isReady()).toBe(false), WAIT_MS);
    const readiness = await fetch(`${a.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({
      checks: { redis: "unavailable", database: "ok" },
    });

    ana.send("during the outage");
    // Stored and acknowledged (it leaves the outbox), and heard on the same instance.
    await eventually(() => {
      expect(ana.getSnapshot().outbox).toEqual([]);
      expect(texts(anaOtherTab)).toEqual(["before the outage", "during the outage"]);
    }, WAIT_MS);

    await redis.start();
    await eventually(
      () => expect(a.app.redis?.isReady() && b.app.redis?.isReady()).toBe(true),
      WAIT_MS,
    );
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);

    bea.send("after the outage");
    // Cross-instance delivery resumes, and the message missed during the outage
    // is fetched from the database when the next one reveals the gap.
    const everything = ["before the outage", "during the outage", "after the outage"];
    await eventually(() => {
      for (const client of [ana, anaOtherTab, bea]) expect(texts(client)).toEqual(everything);
    }, WAIT_MS);
    const stored = await a.store.messages.latest(ROOM, 10);
    expect(stored.messages.map((m) => [m.seq, m.text])).toEqual(
      everything.map((text, i) => [i + 1, text]),
    );
  });
});

describe("when the database goes away", () => {
  it("answers sends with unavailable, never a false ack, reports not ready, and recovers when it returns", async () => {
    const schema = await createTestSchema();
    cleanups.push(() => schema.drop());
    const postgres = new URL(TEST_POSTGRES_URL);
    const relay = await LinkRelay.start(Number(postgres.port || 5432), postgres.hostname);
    cleanups.push(() => relay.close());
    const throughRelay = new URL(TEST_POSTGRES_URL);
    throughRelay.hostname = "127.0.0.1";
    throughRelay.port = String(relay.port);
    const server = await ChatTestServer.start({
      openStore: () =>
        PostgresStore.open(urlWithSchema(throughRelay.toString(), schema.name), { poolSize: 2 }),
    });
    cleanups.push(() => server.dispose());

    const { socket } = await server.connect();
    await request(socket, "room:join", { room: ROOM });
    expect(
      await request(socket, "message:send", { room: ROOM, text: "stored", clientId: "c1" }),
    ).toMatchObject({
      ok: true,
    });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    relay.cut();
    const refused = await request(socket, "message:send", {
      room: ROOM,
      text: "refused",
      clientId: "c2",
    });
    expect(refused).toMatchObject({ ok: false, error: { code: "unavailable" } });
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      status: "not ready",
      checks: { database: "unavailable" },
    });
    // The process is alive the whole time; only readiness changes.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    relay.restore();
    await eventually(async () => {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    }, WAIT_MS);
    const retried = await request(socket, "message:send", {
      room: ROOM,
      text: "refused",
      clientId: "c2",
    });
    expect(retried).toMatchObject({ ok: true, duplicate: false, message: { seq: 2 } });
    const history = await request(socket, "history:after", { room: ROOM, after: 0 });
    expect(history.ok && history.messages.map((m) => m.text)).toEqual(["stored", "refused"]);
  });
});
