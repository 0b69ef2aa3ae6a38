import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pino } from "pino";
import { io } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { memoryOutboxStorage } from "../../client/outbox";
import { type ChatClientSocket, RoomClient } from "../../client/room-client";
import { SqliteStore } from "../store/sqlite-store";
import { ChatTestServer, request, WAIT_MS } from "../testing/chat-test-server";
import { damageTablePages } from "../testing/damage-database";
import { LockHolder } from "../testing/lock-holder";
import { PROJECT_ROOT, ServerProcess } from "../testing/server-process";
import { createSmallDisk, smallDiskMethod } from "../testing/small-disk";

/**
 * What a server does when the storage under it fails — a full disk, a lock
 * another process holds, a damaged file — each made real: a filesystem the
 * test mounts and fills, a second OS process in a transaction, pages of the
 * file overwritten. A storage fault is never a final answer to a send
 * (`unavailable` with `retryAfterMs`, so browsers keep the message and try
 * again), `/readyz` says so while it lasts, the server recovers by itself
 * when the fault goes away, and nothing acknowledged is lost.
 */

const CHAT_SERVER = join(PROJECT_ROOT, "lib/server/testing/chat-server-process.ts");
const COMPOSITION_ROOT = join(PROJECT_ROOT, "server.ts");
const DISK = smallDiskMethod();
const ROOM = "general";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls an asynchronous check until it passes or the time is up. */
async function until(check: () => Promise<void> | void, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

async function readiness(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A bot's socket that keeps its identity; answers come back as the protocol's results. */
async function bot(url: string): Promise<ChatClientSocket> {
  const socket: ChatClientSocket = io(url, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    auth: { name: "Bot" },
  });
  cleanups.push(() => {
    socket.disconnect();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("session", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

/** A browser tab's RoomClient (the real client logic) with its outbox in memory, and its socket. */
function openTab(url: string): { tab: RoomClient; socket: ChatClientSocket } {
  const socket: ChatClientSocket = io(url, {
    transports: ["websocket"],
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 500,
  });
  const client = new RoomClient(socket, ROOM, memoryOutboxStorage(), {
    requestTimeoutMs: 5_000,
    retryDelayMs: 200,
  });
  client.start();
  cleanups.push(() => {
    client.stop();
    socket.disconnect();
  });
  return { tab: client, socket };
}

const texts = (client: RoomClient) => client.getSnapshot().timeline.messages.map((m) => m.text);

async function storedTexts(socket: ChatClientSocket, room = ROOM): Promise<string[]> {
  const page = await request(socket, "history:after", { room, after: 0, limit: 200 });
  if (!page.ok) throw new Error(`history:after failed: ${JSON.stringify(page)}`);
  return page.messages.map((m) => m.text);
}

describe(`a full disk (${DISK})`, () => {
  it("answers sends unavailable and /readyz 503; once space is freed, sends succeed again without a restart and every acknowledged message is there", async () => {
    const disk = createSmallDisk(DISK);
    cleanups.push(() => disk.dispose());
    const server = await ServerProcess.start({
      args: [...disk.nodeArgs, "--import", "tsx", CHAT_SERVER],
      env: { DATA_DIR: disk.dir },
    });
    cleanups.push(() => server.dispose());
    const pid = () => server.childProcess?.pid;

    const { tab, socket: tabSocket } = openTab(server.url);
    await until(() => expect(tab.getSnapshot().joined).toBe(true));
    tab.send("before the disk filled");
    await until(() => expect(tab.getSnapshot().outbox).toEqual([]));
    const sender = await bot(server.url);
    await request(sender, "room:join", { room: ROOM });

    disk.fill(pid());

    const refused = await request(sender, "message:send", {
      room: ROOM,
      text: "while full",
      clientId: "bot-1",
    });
    expect(refused).toEqual({
      ok: false,
      error: { code: "unavailable", message: expect.any(String), retryAfterMs: expect.any(Number) },
    });
    const notReady = await readiness(server.url);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({
      status: "not ready",
      checks: {
        database: "writes failing",
        databaseProblem: expect.stringMatching(
          DISK === "tmpfs" ? /disk full \(SQLITE_FULL\)/ : /SQLITE_(FULL|IOERR)/,
        ),
      },
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // The browser keeps the message and shows it as sending, never as failed.
    const attempts: string[] = [];
    tabSocket.onAnyOutgoing((event) => attempts.push(String(event)));
    tab.send("written while the disk was full");
    await until(() => expect(attempts).toContain("message:send"));
    await sleep(500);
    expect(tab.getSnapshot().outbox).toEqual([
      expect.objectContaining({ text: "written while the disk was full", state: "pending" }),
    ]);

    disk.free(pid());

    // Ready again by itself (the store's probe write), with nobody sending.
    await until(async () => expect((await readiness(server.url)).status).toBe(200), 15_000);
    expect(
      await request(sender, "message:send", { room: ROOM, text: "while full", clientId: "bot-1" }),
    ).toMatchObject({ ok: true, duplicate: false });
    await until(() => expect(tab.getSnapshot().outbox).toEqual([]), 15_000);

    const everything = ["before the disk filled", "while full", "written while the disk was full"];
    expect((await storedTexts(sender)).sort()).toEqual([...everything].sort());
    await until(() => expect([...texts(tab)].sort()).toEqual([...everything].sort()));

    // On disk, not only in the server's memory: a restart finds them all.
    await server.restart();
    const after = await bot(server.url);
    expect((await storedTexts(after)).sort()).toEqual([...everything].sort());
  }, 90_000);
});

describe("a write lock held by another process", () => {
  it("keeps the event loop free, answers a send unavailable in time, lets connections in, and recovers when the lock is released", async () => {
    const server = await ChatTestServer.start({ openStore: (path) => SqliteStore.open(path) });
    cleanups.push(() => server.dispose());
    const { socket: ana, session } = await server.connect({ auth: { name: "Ana" } });
    await request(ana, "room:join", { room: ROOM });
    expect(
      await request(ana, "message:send", { room: ROOM, text: "before", clientId: "a1" }),
    ).toMatchObject({ ok: true });

    const holder = await LockHolder.hold(server.dbPath);
    cleanups.push(() => holder.kill());
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();

    const sentAt = performance.now();
    const [refused, returning, newcomer] = await Promise.all([
      request(ana, "message:send", { room: ROOM, text: "during", clientId: "a2" }),
      // A returning bot only reads its identity; it gets in at once.
      (async () => {
        const started = performance.now();
        await server.connect({ auth: { token: session.token } });
        return performance.now() - started;
      })(),
      // A newcomer's identity is a write: it is answered in bounded time either way.
      (async () => {
        const started = performance.now();
        const outcome = await server.connect().then(
          () => "connected",
          (error: Error) => error.message,
        );
        return { outcome, ms: performance.now() - started };
      })(),
    ]);
    const answeredAfterMs = performance.now() - sentAt;
    lag.disable();

    expect(refused).toEqual({
      ok: false,
      error: { code: "unavailable", message: expect.any(String), retryAfterMs: expect.any(Number) },
    });
    expect(answeredAfterMs).toBeLessThan(5_000);
    expect(returning).toBeLessThan(1_500);
    expect(["connected", "unavailable"]).toContain(newcomer.outcome);
    expect(newcomer.ms).toBeLessThan(5_000);
    // SQLite's own busy wait would have held the loop for its whole timeout.
    expect(lag.max / 1e6).toBeLessThan(250);
    const notReady = await readiness(server.url);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({
      checks: { database: "writes failing", databaseProblem: expect.stringMatching(/SQLITE_BUSY/) },
    });

    await holder.release();
    await until(async () => expect((await readiness(server.url)).status).toBe(200));
    expect(
      await request(ana, "message:send", { room: ROOM, text: "during", clientId: "a2" }),
    ).toMatchObject({ ok: true, duplicate: false, message: { seq: 2 } });
    expect(await storedTexts(ana)).toEqual(["before", "during"]);
    await server.connect();
  }, 60_000);

  it("waits out a short lock instead of refusing: the send is stored once the lock is released", async () => {
    const server = await ChatTestServer.start({ openStore: (path) => SqliteStore.open(path) });
    cleanups.push(() => server.dispose());
    const { socket } = await server.connect();
    await request(socket, "room:join", { room: ROOM });
    const holder = await LockHolder.hold(server.dbPath);
    cleanups.push(() => holder.kill());

    const answer = request(socket, "message:send", { room: ROOM, text: "patient", clientId: "p" });
    await sleep(300);
    await holder.release();

    expect(await answer).toMatchObject({ ok: true, message: { seq: 1, text: "patient" } });
    expect((await readiness(server.url)).status).toBe(200);
  });
});

/** A database of `count` messages in room "archive", checkpointed and closed, ready to damage. */
async function seedArchive(path: string, count = 2_000): Promise<void> {
  const store = new SqliteStore(path);
  const author = { id: "archivist", name: "Archivist" };
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      store.messages.append({
        room: "archive",
        author,
        clientId: `old-${i}`,
        text: `an old message, number ${i}: ${"words ".repeat(40)}`,
      }),
    ),
  );
  await store.close();
}

describe("a damaged database", () => {
  it.each([
    [
      "pages overwritten in the middle",
      async (path: string) => {
        await seedArchive(path);
        damageTablePages(path, "messages");
      },
      /is damaged \(PRAGMA quick_check found: .*(btreeInitPage|Tree|page)/,
    ],
    [
      "not a database at all",
      async (path: string) =>
        writeFileSync(path, "these are not the pages you are looking for\n".repeat(200)),
      /is not a SQLite database \(SQLITE_NOTADB/,
    ],
  ] as const)(
    "%s: the server refuses to start with a message naming the file and what is wrong",
    async (_, spoil, expected) => {
      const dir = mkdtempSync(join(tmpdir(), "scrollback-damaged-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const path = join(dir, "scrollback.db");
      await spoil(path);

      const failure = await ServerProcess.start({
        args: ["--import", "tsx", COMPOSITION_ROOT],
        env: { DATA_DIR: dir },
      }).then(
        async (server) => {
          await server.dispose();
          return "it started";
        },
        (error: Error) => error.message,
      );

      expect(failure).toMatch(/^server exited with 1/);
      expect(failure).toContain(`The database ${path} `);
      expect(failure).toMatch(expected);
      // A sentence for the operator, not a stack trace.
      expect(failure).not.toMatch(/SqliteError|\n\s+at /);
    },
    60_000,
  );

  it("found by a read while running: writes are refused (never acknowledged) and it is said loudly", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const server = await ChatTestServer.start({
      logger,
      openStore: async (path) => {
        await seedArchive(path);
        return SqliteStore.open(path);
      },
    });
    cleanups.push(() => server.dispose());
    const { socket } = await server.connect();
    await request(socket, "room:join", { room: ROOM });
    expect((await readiness(server.url)).status).toBe(200);

    damageTablePages(server.dbPath, "messages");

    const read = await request(socket, "history:before", {
      room: "archive",
      before: 1_000,
      limit: 50,
    });
    expect(read).toMatchObject({ ok: false, error: { code: "unavailable" } });
    const send = await request(socket, "message:send", {
      room: ROOM,
      text: "not on a damaged file",
      clientId: "c1",
    });
    expect(send).toEqual({
      ok: false,
      error: { code: "unavailable", message: expect.any(String), retryAfterMs: expect.any(Number) },
    });

    const notReady = await readiness(server.url);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({
      checks: {
        database: "corrupt",
        databaseProblem: expect.stringMatching(/SQLITE_CORRUPT/),
      },
    });
    const damage = lines.filter((line) => /DATABASE DAMAGED/.test(line));
    expect(damage).toHaveLength(1);
    expect(JSON.parse(damage[0] as string)).toMatchObject({ level: 50 });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/scrollback_database_health\{state="corrupt"\} 1/);
    expect(metrics).toMatch(/scrollback_database_faults_total\{kind="corrupt"\} 1/);
    // Nothing reached the file, and later sends are refused the same way.
    expect(
      await request(socket, "message:send", { room: ROOM, text: "again", clientId: "c2" }),
    ).toMatchObject({ ok: false, error: { code: "unavailable" } });
    expect(await server.store.rooms.latestSeq(ROOM)).toBe(0);
  });
});
