import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import { ChatTestServer, request } from "../testing/chat-test-server";
import { readDb } from "../testing/db-snapshot";
import { DEFAULT_SECURITY_LIMITS } from "./security-config";

type FloodStats = {
  connections: number;
  refused: number;
  sent: number;
  accepted: number;
  limited: number;
  disconnected: number;
};

const PERSON = "198.51.100.7";
const FLOODER = "203.0.113.66";
const SAMPLES = 40;
const FLOOD_MS = 3_000;

/** Acknowledgement times of a person sending in a steady rhythm, in milliseconds, sorted. */
async function ackTimes(socket: ChatClientSocket, tag: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    const ack = await request(socket, "message:send", {
      room: "general",
      text: `${tag} ${i}`,
      clientId: `${tag}-${i}`,
    });
    times.push(performance.now() - started);
    expect(ack.ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return times.sort((a, b) => a - b);
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** A flooder on another thread (an attacker is another machine), from an address of its own. */
function flood(url: string): Promise<FloodStats> {
  const worker = new Worker(new URL("../testing/flooder.mjs", import.meta.url), {
    workerData: {
      url,
      room: "general",
      durationMs: FLOOD_MS,
      reconnect: true,
      headers: { "x-forwarded-for": FLOODER },
    },
  });
  return new Promise<FloodStats>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  }).finally(() => worker.terminate());
}

describe("a send flood, with the default limits", () => {
  let server: ChatTestServer;
  beforeEach(async () => {
    // Behind a proxy, so that the flooder and the person are different addresses.
    server = await ChatTestServer.start({
      limits: { ...DEFAULT_SECURITY_LIMITS, trustProxy: true },
    });
  });
  afterEach(async () => {
    await server.dispose();
  });

  it("does not slow another person down, and gets the flooder nowhere", async () => {
    const { socket } = await server.connect({ extraHeaders: { "x-forwarded-for": PERSON } });
    expect(await request(socket, "room:join", { room: "general" })).toMatchObject({ ok: true });

    const quiet = await ackTimes(socket, "quiet");
    const flooding = flood(server.url);
    const during = await ackTimes(socket, "during");
    const stats = await flooding;

    const flooded = readDb(server.dbPath).messages.filter((m) => m.text.startsWith("flood "));
    console.info(
      `flood: ${stats.sent} frames sent over ${stats.connections} connection(s), ` +
        `${stats.refused} reconnects refused, ${flooded.length} messages stored; ` +
        `another person's ack p50/p90/max: quiet ` +
        `${quantile(quiet, 0.5).toFixed(1)}/${quantile(quiet, 0.9).toFixed(1)}/${quantile(quiet, 1).toFixed(1)} ms, ` +
        `during the flood ${quantile(during, 0.5).toFixed(1)}/${quantile(during, 0.9).toFixed(1)}/${quantile(during, 1).toFixed(1)} ms`,
    );

    // The flooder was cut off once and then kept out: one connection, every comeback refused.
    expect(stats.connections).toBe(1);
    expect(stats.refused).toBeGreaterThan(0);
    expect(flooded.length).toBeLessThanOrEqual(
      DEFAULT_SECURITY_LIMITS.messagesPerSecond * 2 + DEFAULT_SECURITY_LIMITS.messageBurst,
    );
    // The typical acknowledgement stays where it was. Timing on a shared
    // machine is noisy, so the bound is loose: a third of a 25 ms frame or three
    // times the quiet median, whichever is larger. Without the limits the person
    // cannot even connect while the flood runs.
    const quietMedian = quantile(quiet, 0.5);
    expect(quantile(during, 0.5)).toBeLessThan(Math.max(3 * quietMedian, quietMedian + 20));
  });
});
