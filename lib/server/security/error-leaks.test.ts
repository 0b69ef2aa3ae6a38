import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../store/sqlite-store";
import type { NewMessage } from "../store/types";
import { ChatTestServer, collectMessages, request } from "../testing/chat-test-server";
import { readDb } from "../testing/db-snapshot";

const SECRET = "SQLITE_CORRUPT in /var/lib/scrollback/scrollback.db (key=hunter2)";

/** A store whose disk has gone bad in a way the server did not foresee. */
class BrokenStore extends SqliteStore {
  constructor(path: string) {
    super(path);
    this.messages.append = async (_input: NewMessage): Promise<never> => {
      throw new Error(SECRET);
    };
  }
}

let server: ChatTestServer | undefined;
afterEach(async () => {
  await server?.dispose();
});

describe("an unexpected server error", () => {
  it("reaches the client as a generic message with a reference, and the details only the log", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    server = await ChatTestServer.start({ openStore: (path) => new BrokenStore(path), logger });
    const { socket } = await server.connect();
    const { socket: bystander } = await server.connect();
    const heard = collectMessages(bystander);
    await request(socket, "room:join", { room: "lab" });
    await request(bystander, "room:join", { room: "lab" });

    const ack = await request(socket, "message:send", { room: "lab", text: "hi", clientId: "c" });

    expect(ack.ok).toBe(false);
    if (ack.ok) return;
    expect(ack.error.code).toBe("internal");
    const ref = /^Something went wrong on the server \(ref ([0-9a-f]{8})\)\.$/.exec(
      ack.error.message,
    )?.[1];
    expect(ref).toBeDefined();
    expect(JSON.stringify(ack)).not.toMatch(/SQLITE|hunter2|\/var\/|Error|at /);

    const logged = lines.map(
      (line) => JSON.parse(line) as { ref?: string; err?: { message?: string } },
    );
    expect(logged.find((entry) => entry.ref === ref)?.err?.message).toBe(SECRET);

    // Nothing was stored or broadcast, and the connection still serves.
    expect(readDb(server.dbPath).messages).toEqual([]);
    expect(await request(socket, "history:after", { room: "lab", after: 0 })).toMatchObject({
      ok: true,
      messages: [],
    });
    expect(heard).toEqual([]);
  });
});
