import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatTestServer, collectMessages, eventually, request } from "./testing/chat-test-server";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

describe("the chat server", () => {
  it("stores a message, acknowledges it to its author and broadcasts it to everyone in the room", async () => {
    const a = await server.connect({ auth: { name: "Ana" } });
    const b = await server.connect({ auth: { name: "Bea" } });
    const seenByA = collectMessages(a.socket);
    const seenByB = collectMessages(b.socket);
    await request(a.socket, "room:join", { room: "general" });
    await request(b.socket, "room:join", { room: "general" });

    const ack = await request(a.socket, "message:send", {
      room: "general",
      text: "olá",
      clientId: "m1",
    });
    expect(ack).toMatchObject({
      ok: true,
      duplicate: false,
      message: { seq: 1, text: "olá", author: { name: "Ana" } },
    });
    await eventually(() => {
      expect(seenByA.map((m) => m.text)).toEqual(["olá"]);
      expect(seenByB.map((m) => m.text)).toEqual(["olá"]);
    });
  });

  it("keeps history across a restart on the same database, and the sequence continues", async () => {
    const a = await server.connect();
    await request(a.socket, "room:join", { room: "durable" });
    await request(a.socket, "message:send", { room: "durable", text: "one", clientId: "c1" });
    await server.restart();

    const b = await server.connect();
    const joined = await request(b.socket, "room:join", { room: "durable" });
    expect(joined).toMatchObject({ ok: true, latestSeq: 1, messages: [{ seq: 1, text: "one" }] });
    const next = await request(b.socket, "message:send", {
      room: "durable",
      text: "two",
      clientId: "c2",
    });
    expect(next).toMatchObject({ ok: true, message: { seq: 2 } });
  });
});
