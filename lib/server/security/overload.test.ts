import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../store/sqlite-store";
import type { ChatStore } from "../store/types";
import { ChatTestServer, request } from "../testing/chat-test-server";

/** A real store whose appends wait until the test lets them through: a server falling behind. */
function heldStore(path: string): { store: ChatStore; release(): void } {
  const inner = new SqliteStore(path);
  let gate: { promise: Promise<void>; open: () => void } | null = null;
  const hold = () => {
    let open = () => {};
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    gate = { promise, open };
  };
  hold();
  const messages = new Proxy(inner.messages, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property !== "append" || typeof value !== "function") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return async (...args: Parameters<ChatStore["messages"]["append"]>) => {
        await gate?.promise;
        return inner.messages.append(...args);
      };
    },
  });
  const store = new Proxy(inner, {
    get(target, property) {
      if (property === "messages") return messages;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    store,
    release: () => {
      gate?.open();
      gate = null;
    },
  };
}

describe("an overloaded server", () => {
  let server: ChatTestServer | null = null;
  afterEach(async () => {
    await server?.dispose();
    server = null;
  });

  it("refuses new sends as unavailable while its oldest accepted send waits too long, and takes them again once caught up", async () => {
    let release = () => {};
    server = await ChatTestServer.start({
      limits: { maxSendDelayMs: 100 },
      openStore: (path) => {
        const held = heldStore(path);
        release = held.release;
        return held.store;
      },
    });
    const { socket } = await server.connect();
    expect(await request(socket, "room:join", { room: "busy" })).toMatchObject({ ok: true });

    const first = request(socket, "message:send", {
      room: "busy",
      text: "accepted",
      clientId: "c1",
    });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const refused = await request(socket, "message:send", {
      room: "busy",
      text: "refused",
      clientId: "c2",
    });
    expect(refused).toMatchObject({ ok: false, error: { code: "unavailable" } });
    expect((refused as { error: { retryAfterMs?: number } }).error.retryAfterMs).toBeGreaterThan(0);

    release();
    // The accepted send is stored and acknowledged as usual.
    expect(await first).toMatchObject({ ok: true, message: { text: "accepted", seq: 1 } });
    // Caught up: the refused message, resent with its clientId, is taken.
    expect(
      await request(socket, "message:send", { room: "busy", text: "refused", clientId: "c2" }),
    ).toMatchObject({ ok: true, message: { text: "refused", seq: 2 } });
  });
});
