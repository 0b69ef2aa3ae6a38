import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../store/sqlite-store";
import { ChatTestServer, eventually, rawEmit, request, settle } from "../testing/chat-test-server";

let server: ChatTestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

/** A sample's value in Prometheus text format, e.g. `scrollback_messages_stored_total 3`. */
function sample(metrics: string, name: string): number | undefined {
  const line = metrics
    .split("\n")
    .find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("/readyz and /healthz", () => {
  it("are ready and alive while serving, with the checks spelled out", async () => {
    server = await ChatTestServer.start();
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: { server: "serving", database: "ok", redis: "not configured" },
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe("/metrics", () => {
  it("reports sockets, stored messages, ack latency, database latency, rate limits and process metrics", async () => {
    server = await ChatTestServer.start({ limits: { messagesPerSecond: 1, messageBurst: 2 } });
    const { socket } = await server.connect();
    await request(socket, "room:join", { room: "metrics" });
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(
        await request(socket, "message:send", {
          room: "metrics",
          text: `m${i}`,
          clientId: `c${i}`,
        }),
      );
    }
    expect(answers.filter((a) => !a.ok).map((a) => !a.ok && a.error.code)).toContain(
      "rate_limited",
    );

    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const body = await response.text();
    expect(sample(body, "scrollback_connected_sockets")).toBe(1);
    expect(sample(body, "scrollback_messages_stored_total")).toBe(
      answers.filter((a) => a.ok).length,
    );
    expect(sample(body, "scrollback_message_ack_seconds_count")).toBe(
      answers.filter((a) => a.ok).length,
    );
    expect(body).toMatch(/scrollback_database_seconds_count\{operation="appendMessage"\} \d+/);
    expect(body).toMatch(/scrollback_rate_limited_total\{limit="message:send"\} [1-9]/);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(body).toMatch(/^process_resident_memory_bytes /m);
    // Counts and timings only: never a message body.
    expect(body).not.toContain("m0");
  });

  it("needs the bearer token when one is configured", async () => {
    server = await ChatTestServer.start({ metricsToken: "a-long-enough-metrics-token" });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${server.url}/metrics`, {
      headers: { authorization: "Bearer a-long-enough-metrics-token" },
    });
    expect(right.status).toBe(200);
  });
});

describe("request ids", () => {
  it("echo the proxy's id, or make one, on every response", async () => {
    server = await ChatTestServer.start();
    const given = await fetch(`${server.url}/chat/x`, { headers: { "x-request-id": "edge-42" } });
    expect(given.headers.get("x-request-id")).toBe("edge-42");
    const made = await fetch(`${server.url}/chat/x`, {
      headers: { "x-request-id": "bad id with spaces" },
    });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("graceful shutdown", () => {
  it("answers the sends in flight before it closes the connections, so clients go elsewhere", async () => {
    // Appends wait at a gate, so the sends are truly in flight when the shutdown begins.
    let openGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    server = await ChatTestServer.start({
      openStore: (path) => {
        const store = new SqliteStore(path);
        const append = store.messages.append.bind(store.messages);
        store.messages.append = async (input) => {
          await gate;
          return append(input);
        };
        return store;
      },
    });
    const { socket } = await server.connect();
    await request(socket, "room:join", { room: "drain" });
    const events: string[] = [];
    socket.once("disconnect", (reason) => events.push(`disconnect: ${reason}`));

    const sends = Array.from({ length: 5 }, (_, i) =>
      request(socket, "message:send", {
        room: "drain",
        text: `last ${i}`,
        clientId: `last-${i}`,
      }).then((ack) => {
        events.push(ack.ok ? "ack" : `refused: ${ack.error.code}`);
        return ack;
      }),
    );
    await eventually(() => expect(server?.app.inFlightRequests()).toBe(5));
    const stopping = server.app.shutdown(5_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toEqual([]);

    openGate();
    await Promise.all(sends);
    await stopping;
    await eventually(() => expect(events).toHaveLength(6));
    // Every ack first, then the transport closes: not a Socket.IO disconnect
    // packet, so a client reconnects by itself (to another instance).
    expect(events).toEqual([...Array(5).fill("ack"), "disconnect: transport close"]);
  });

  it("counts nothing in flight once the connections are gone, whatever they sent, so a shutdown does not wait for nothing", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    server = await ChatTestServer.start({ logger });
    const { socket } = await server.connect();
    await request(socket, "room:join", { room: "leaks" });
    // Never answered: events with a callback that no request handler takes.
    rawEmit(socket, "no:such-event", {}, () => {});
    rawEmit(socket, "typing:start", { room: "leaks" }, () => {});
    await settle(socket);
    socket.disconnect();
    // Requests sent just before the connection goes: Socket.IO drops those
    // that had not reached their handler when it closed.
    const { socket: leaving } = await server.connect();
    for (let i = 0; i < 20; i++)
      rawEmit(leaving, "history:after", { room: "leaks", after: 0 }, () => {});
    leaving.disconnect();
    await eventually(() => expect(server?.io.of("/").sockets.size).toBe(0));

    await eventually(() => expect(server?.app.inFlightRequests()).toBe(0));
    const started = performance.now();
    await server.app.shutdown(5_000);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(lines.filter((line) => line.includes("still in flight"))).toEqual([]);
  });
});
