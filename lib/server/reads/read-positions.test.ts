import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReadMarked } from "../../shared/protocol";
import { newTestAccount, signUp } from "../testing/accounts";
import { ChatTestServer, request, seedMessages, settle } from "../testing/chat-test-server";
import {
  postgresDeployment,
  redisDeployment,
  sqliteDeployment,
  type TestDeployment,
} from "../testing/test-deployments";

/**
 * `read:mark` and `read:positions` through the real server, on each engine
 * and across two instances: one person's devices are two connections of one
 * account, each possibly on another instance.
 */
describe.each([
  ["SQLite", sqliteDeployment],
  ["Postgres", postgresDeployment],
  ["two instances on Redis", redisDeployment],
])("read positions: %s", (_name, deploy) => {
  let deployment: TestDeployment;
  beforeEach(async () => {
    deployment = await deploy();
  });
  afterEach(async () => {
    await deployment.dispose();
  });

  const first = () => deployment.servers[0] as NonNullable<TestDeployment["servers"][0]>;
  const last = () => deployment.servers.at(-1) as NonNullable<TestDeployment["servers"][0]>;

  /** The same person signed in on two devices, the second on the last instance. */
  async function twoDevices() {
    const account = await signUp(first(), newTestAccount("Ana"));
    const laptop = await first().connect({ extraHeaders: { cookie: account.cookie } });
    const phone = await last().connect({ extraHeaders: { cookie: account.cookie } });
    return { account, laptop: laptop.socket, phone: phone.socket };
  }

  function collect(socket: Parameters<typeof settle>[0]): ReadMarked[] {
    const marked: ReadMarked[] = [];
    socket.on("read:marked", (event) => marked.push(event));
    return marked;
  }

  it("stores a mark and never moves it back; a new device fetches it", async () => {
    await seedMessages(first().store, "general", 5);
    const { laptop, account } = await twoDevices();

    expect(await request(laptop, "read:mark", { room: "general", seq: 3 })).toEqual({
      ok: true,
      room: "general",
      seq: 3,
    });
    // A late mark from a device that was behind answers with where the position stands.
    expect(await request(laptop, "read:mark", { room: "general", seq: 1 })).toEqual({
      ok: true,
      room: "general",
      seq: 3,
    });
    // Nobody has read what was not written yet.
    expect(await request(laptop, "read:mark", { room: "general", seq: 99 })).toEqual({
      ok: true,
      room: "general",
      seq: 5,
    });

    const tablet = await last().connect({ extraHeaders: { cookie: account.cookie } });
    expect(await request(tablet.socket, "read:positions", {})).toEqual({
      ok: true,
      positions: { general: 5 },
    });
    expect(await first().store.reads.positions(account.chatUserId)).toEqual({ general: 5 });
  });

  it("tells the person's other connections, and nobody else", async () => {
    await seedMessages(first().store, "general", 6);
    const { laptop, phone } = await twoDevices();
    const other = await signUp(last(), newTestAccount("Bea"));
    const bea = (await last().connect({ extraHeaders: { cookie: other.cookie } })).socket;
    const guest = (await last().connect()).socket;
    const onLaptop = collect(laptop);
    const onPhone = collect(phone);
    const onBea = collect(bea);
    const onGuest = collect(guest);

    expect(await request(phone, "read:mark", { room: "general", seq: 4 })).toMatchObject({
      ok: true,
      seq: 4,
    });
    await expect.poll(() => onLaptop, { timeout: 10_000 }).toEqual([{ room: "general", seq: 4 }]);

    // What was sent before now has arrived on each of these connections.
    await Promise.all([settle(phone), settle(bea), settle(guest)]);
    expect(onPhone).toEqual([]);
    expect(onBea).toEqual([]);
    expect(onGuest).toEqual([]);
    expect(await request(bea, "read:positions", {})).toEqual({ ok: true, positions: {} });
  });

  it("refuses a guest, who keeps positions in the browser, and stores nothing for them", async () => {
    await seedMessages(first().store, "general", 2);
    const { socket, session } = await first().connect();
    const refused = {
      ok: false,
      error: { code: "forbidden", message: expect.stringMatching(/signed-in/) },
    };
    expect(await request(socket, "read:mark", { room: "general", seq: 2 })).toEqual(refused);
    expect(await request(socket, "read:positions", {})).toEqual(refused);
    expect(await first().store.reads.positions(session.user.id)).toEqual({});
  });

  it("refuses a payload that is not a room and a seq", async () => {
    const { laptop } = await twoDevices();
    for (const payload of [
      { room: "general", seq: -1 },
      { room: "general", seq: 1.5 },
      { room: "Not A Room!", seq: 1 },
      { room: "general" },
    ]) {
      const answer = await request(laptop, "read:mark", payload as never);
      expect(answer).toMatchObject({ ok: false, error: { code: expect.any(String) } });
    }
  });
});

describe("read:mark budget", () => {
  let server: ChatTestServer;
  afterEach(async () => {
    await server.dispose();
  });

  it("is spent per identity: over it, refused with retryAfterMs, and the position stays", async () => {
    server = await ChatTestServer.start({ limits: { readsPerMinute: 2 } });
    await seedMessages(server.store, "general", 5);
    const account = await signUp(server, newTestAccount("Ana"));
    const { socket } = await server.connect({ extraHeaders: { cookie: account.cookie } });

    expect(await request(socket, "read:mark", { room: "general", seq: 1 })).toMatchObject({
      ok: true,
    });
    expect(await request(socket, "read:mark", { room: "general", seq: 2 })).toMatchObject({
      ok: true,
    });
    expect(await request(socket, "read:mark", { room: "general", seq: 3 })).toEqual({
      ok: false,
      error: {
        code: "rate_limited",
        message: expect.any(String),
        retryAfterMs: expect.any(Number),
      },
    });
    expect(await server.store.reads.positions(account.chatUserId)).toEqual({ general: 2 });
  });
});
