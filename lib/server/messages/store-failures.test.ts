import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../store/sqlite-store";
import { StoreUnavailableError } from "../store/types";
import {
  ChatTestServer,
  collectMessages,
  rawRequest,
  request,
  settle,
} from "../testing/chat-test-server";
import { type FaultyStore, faultyStore } from "../testing/faulty-store";

let server: ChatTestServer;
let store: FaultyStore;
beforeEach(async () => {
  server = await ChatTestServer.start({
    openStore: (path) => {
      store = faultyStore(new SqliteStore(path));
      return store;
    },
  });
});
afterEach(async () => {
  store.heal();
  await server.dispose();
});

const send = { room: "general", text: "hello", clientId: "c1" };

describe("when the store fails", () => {
  it("answers unavailable, with when to retry, while the database cannot be reached, broadcasts nothing, and recovers", async () => {
    const { socket } = await server.connect();
    const seen = collectMessages(socket);
    await request(socket, "room:join", { room: "general" });
    store.breakMethod(
      "messages.append",
      new StoreUnavailableError("connection refused", { retryAfterMs: 1_234 }),
    );

    expect(await request(socket, "message:send", send)).toEqual({
      ok: false,
      error: { code: "unavailable", message: expect.any(String), retryAfterMs: 1_234 },
    });
    await settle(socket);
    expect(seen).toEqual([]);

    store.heal();
    expect(await request(socket, "message:send", send)).toMatchObject({
      ok: true,
      duplicate: false,
      message: { seq: 1 },
    });
  });

  it.each([
    ["room:join", "messages.latest", { room: "general" }],
    ["room:join", "messages.after", { room: "general", since: 0 }],
    ["message:send", "messages.append", send],
    ["history:before", "messages.before", { room: "general", before: 5 }],
    ["history:after", "messages.after", { room: "general", after: 0 }],
    ["user:rename", "users.rename", { name: "Ana" }],
  ] as const)(
    "answers %s with internal and a reference, never the details, when %s throws",
    async (event, method, payload) => {
      const { socket } = await server.connect();
      await request(socket, "room:join", { room: "general" });
      store.breakMethod(method, new Error("SQLITE_CORRUPT at /secret/path/scrollback.db"));

      const reply = await rawRequest(socket, event, payload);

      expect(reply).toEqual({
        ok: false,
        error: { code: "internal", message: expect.stringMatching(/\(ref [0-9a-f]{8}\)/) },
      });
      expect(JSON.stringify(reply)).not.toMatch(/SQLITE|secret/);
      store.heal();
      expect(await request(socket, "history:after", { room: "general", after: 0 })).toMatchObject({
        ok: true,
      });
    },
  );

  it("refuses a connection whose identity cannot be looked up, and accepts the next one", async () => {
    const { session: known } = await server.connect();
    store.breakMethod("users.find", new StoreUnavailableError("connection refused"));
    await expect(server.connect({ auth: { token: known.token } })).rejects.toThrow("unavailable");

    store.heal();
    const { session } = await server.connect({ auth: { token: known.token } });
    expect(session.user).toEqual(known.user);
  });

  it("connects a newcomer without the store: nothing is looked up or written for them", async () => {
    store.breakMethod("users.find", new StoreUnavailableError("connection refused"));
    store.breakMethod("users.rename", new StoreUnavailableError("connection refused"));
    store.breakMethod("users.create", new StoreUnavailableError("connection refused"));
    const { session } = await server.connect();
    expect(session.user.id).toEqual(expect.any(String));
  });
});
