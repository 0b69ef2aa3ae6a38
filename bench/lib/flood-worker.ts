import type { FloodCommand, FloodReply, FloodReport } from "./flood-protocol";
import { floodRow, LOBBY } from "./flood-table";
import { WireClient } from "./wire";

/**
 * The attacker of the flood matrix: a child process (its CPU is its own, as
 * another machine's would be) holding many connections from one loopback
 * address, each sending one row's frames at a steady rate whatever the
 * server answers — an attacker who ignores `retryAfterMs` but never exceeds
 * the rate it was given.
 */
let clients: WireClient[] = [];

function send(reply: FloodReply): void {
  process.send?.(reply);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connections opened at once: enough to be quick, few enough not to look like a connection flood. */
const CONNECT_CONCURRENCY = 20;
/** A connection that fell behind (its process was descheduled) skips ahead rather than bursting. */
const MAX_CATCH_UP_FRAMES = 2;
const TICK_MS = 5;
const MESSAGE_ID = /"message":\{"id":"([^"]+)"/;

async function connect(command: Extract<FloodCommand, { cmd: "connect" }>): Promise<void> {
  let failed = 0;
  let firstError: string | null = null;
  let next = 0;
  const opened: WireClient[] = [];
  const worker = async () => {
    while (next < command.connections) {
      const id = next++;
      const client = new WireClient(
        "scrollback",
        command.url,
        id,
        { localAddress: command.localAddress },
        LOBBY,
      );
      try {
        await client.connect(60_000);
        opened.push(client);
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  clients = opened;
  send({ reply: "connected", connected: opened.length, failed, firstError });
}

async function flood(command: Extract<FloodCommand, { cmd: "flood" }>): Promise<void> {
  const row = floodRow(command.row);
  const context = { limits: command.limits, archiveLatestSeq: command.archiveLatestSeq };
  const report: FloodReport = {
    reply: "flooded",
    sent: 0,
    accepted: 0,
    refused: {},
    unanswered: 0,
    disconnected: 0,
    bytesReceived: 0,
    ackedMessageIds: [],
    cpuMs: 0,
  };
  const cpuAtStart = process.cpuUsage();
  const bytesAtStart = clients.reduce((sum, c) => sum + c.bytesReceived, 0);
  const sentBy = new Array<number>(clients.length).fill(0);
  const intervalMs = 1000 / command.perConnectionPerSecond;
  const startedAt = performance.now();
  const deadline = startedAt + command.durationMs;

  const sendFrame = (client: WireClient, index: number) => {
    const n = sentBy[index] ?? 0;
    sentBy[index] = n + 1;
    const frame = row.frame(index, n, context);
    report.sent++;
    if (!frame.ack) {
      client.notice(frame.event, frame.payload);
      return;
    }
    client.request(frame.event, frame.payload, (result, ackFrame) => {
      if (result.ok) {
        report.accepted++;
        if (frame.event === "message:send") {
          const id = MESSAGE_ID.exec(ackFrame.toString("utf8", 0, 200))?.[1];
          if (id) report.ackedMessageIds.push(id);
        }
      } else {
        const code = result.code ?? "unknown";
        report.refused[code] = (report.refused[code] ?? 0) + 1;
      }
    });
  };

  // Connections are spread evenly over one interval, so the address sends at a steady rate.
  while (performance.now() < deadline) {
    const elapsed = performance.now() - startedAt;
    for (let i = 0; i < clients.length; i++) {
      const client = clients[i] as WireClient;
      if (!client.isOpen) continue;
      const phase = (i / clients.length) * intervalMs;
      const due = Math.floor((elapsed - phase) / intervalMs) + 1;
      const behind = due - (sentBy[i] ?? 0);
      if (behind > MAX_CATCH_UP_FRAMES) sentBy[i] = due - MAX_CATCH_UP_FRAMES;
      while ((sentBy[i] ?? 0) < due) sendFrame(client, i);
    }
    await sleep(TICK_MS);
  }
  const settleUntil = performance.now() + command.settleMs;
  while (performance.now() < settleUntil && clients.some((c) => c.isOpen && c.pendingAcks > 0))
    await sleep(20);

  report.unanswered = clients.reduce((sum, c) => sum + c.pendingAcks, 0);
  report.disconnected = clients.filter((c) => !c.isOpen).length;
  report.bytesReceived = clients.reduce((sum, c) => sum + c.bytesReceived, 0) - bytesAtStart;
  const cpu = process.cpuUsage(cpuAtStart);
  report.cpuMs = (cpu.user + cpu.system) / 1000;
  send(report);
}

process.on("message", (command: FloodCommand) => {
  const run = async () => {
    if (command.cmd === "connect") await connect(command);
    else if (command.cmd === "flood") await flood(command);
    else {
      for (const client of clients) client.close();
      clients = [];
      send({ reply: "closed" });
    }
  };
  run().catch((error: unknown) =>
    send({ reply: "error", message: error instanceof Error ? error.message : String(error) }),
  );
});
