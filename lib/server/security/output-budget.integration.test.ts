import { afterEach, describe, expect, it } from "vitest";
import { ChatTestServer, collectMessages, eventually, request } from "../testing/chat-test-server";
import { RawClient } from "../testing/raw-client";
import { bufferedBytes } from "./engine-connection";

const BUDGET = 512 * 1024;

describe("the server-wide output budget", () => {
  let server: ChatTestServer | null = null;
  const raws: RawClient[] = [];
  afterEach(async () => {
    for (const raw of raws.splice(0)) raw.close();
    await server?.dispose();
    server = null;
  });

  it("cuts off the slowest readers when all of them together hold too much, and keeps serving the rest", async () => {
    // Each reader's own limit is far away: only the total can stop them.
    server = await ChatTestServer.start({
      limits: {
        maxBufferedBytesPerConnection: 64 * 1024 * 1024,
        maxBufferedBytesTotal: BUDGET,
        slowClientSweepMs: 50,
      },
    });
    const readers: RawClient[] = [];
    for (let i = 0; i < 4; i++) {
      const raw = await RawClient.open(server.url);
      raws.push(raw);
      expect(await raw.emitWithAck("room:join", { room: "busy" })).toMatchObject({ ok: true });
      readers.push(raw);
    }
    const listener = await server.connect();
    expect(await request(listener.socket, "room:join", { room: "busy" })).toMatchObject({
      ok: true,
    });
    const heard = collectMessages(listener.socket);
    const sender = await server.connect();
    expect(await request(sender.socket, "room:join", { room: "busy" })).toMatchObject({ ok: true });
    for (const reader of readers) reader.stopReading();

    const io = server.io;
    const readerConnections = readers.map((r) => io.of("/").sockets.get(r.socketId)?.conn);
    let peakTotal = 0;
    const sampler = setInterval(() => {
      const total = readerConnections.reduce((sum, c) => sum + (c ? bufferedBytes(c) : 0), 0);
      peakTotal = Math.max(peakTotal, total);
    }, 5);
    const text = "x".repeat(4_000);
    const total = 1_500;
    try {
      for (let i = 0; i < total; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) =>
            request(sender.socket, "message:send", { room: "busy", text, clientId: `m${i + j}` }),
          ),
        );
      }
      // Someone who reads gets everything, throughout.
      await eventually(() => expect(heard).toHaveLength(total), 20_000);
    } finally {
      clearInterval(sampler);
    }
    // Four readers could have held 4 × 6 MB; the budget cut them off well before.
    expect(total * text.length * readers.length).toBeGreaterThan(20 * BUDGET);
    expect(peakTotal).toBeGreaterThan(BUDGET);
    expect(peakTotal).toBeLessThan(6 * BUDGET);
    await eventually(() =>
      expect(readers.filter((r) => io.of("/").sockets.has(r.socketId)).length).toBeLessThan(
        readers.length,
      ),
    );
    expect(io.of("/").sockets.has(listener.socket.id ?? "")).toBe(true);
  });
});
