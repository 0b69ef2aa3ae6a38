import { randomUUID } from "node:crypto";
import { io as connectClient } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import type { ChatMessage, SessionInfo } from "../../shared/protocol";
import { BOT_TOKEN_BODY_LIMIT_BYTES } from "../accounts/bot-token-routes";
import { MAX_FRAME_BYTES } from "../socket-options";
import { newTestAccount, signUp } from "../testing/accounts";
import {
  accepted,
  disconnected,
  error,
  fromAck,
  httpGet,
  httpPost,
  httpPostChunked,
  idleTcp,
  ignored,
  type Outcome,
  observe,
  outcomeOfRaw,
  refused,
  refusedHandshake,
  until,
} from "../testing/attacks";
import {
  botTokenOf,
  ChatTestServer,
  collectMessages,
  eventually,
  request,
} from "../testing/chat-test-server";
import { added, type DbSnapshot, readDb, type StoredMessage } from "../testing/db-snapshot";
import { messageViolation, nameViolation } from "../testing/protocol-oracle";
import { RawClient, type RawClientOptions, upgrade } from "../testing/raw-client";
import { bufferedBytes } from "./engine-connection";
import type { SecurityLimits } from "./security-config";

/*
 * The attacker's table: each row plays one attack against a real server with
 * a real SQLite file and states the precise outcome (an error code, a closed
 * connection, an ignored event or a refused handshake). After every row the
 * runner checks what the database holds, that Object.prototype is as it was,
 * that a bystander who was chatting all along is still connected, and that a
 * newcomer can still join and send.
 */

/** Small limits, so that every limit is reached within a few requests. */
const STRICT = {
  messagesPerSecond: 1,
  messageBurst: 4,
  messagesPerIpPerSecond: 1,
  messageBurstPerIp: 6,
  eventsPerSecond: 10,
  eventBurst: 20,
  maxConnectionsPerIp: 4,
  connectionsPerIpPerSecond: 20,
  maxRoomsPerConnection: 3,
  abuseBlockMs: 60_000,
  allowedOrigins: ["https://friend.example"],
  // Behind the proxy, only this public name (and the server's own addresses) is served.
  allowedHosts: ["chat.example.org"],
  // Every attack comes from an address of its own (X-Forwarded-For), as on the
  // internet, so that one row's penalties do not fall on the next.
  trustProxy: true,
} satisfies Partial<SecurityLimits>;
const STRICT_SOCKET = { pingInterval: 1_000, pingTimeout: 2_000, connectTimeout: 1_000 };
const STRICT_HTTP = {
  headersTimeout: 1_000,
  requestTimeout: 2_000,
  connectionsCheckingInterval: 100,
};

/** Generous message limits and a small output cap, to flood a room past a client that stopped reading. */
const OPEN = {
  messagesPerSecond: 100_000,
  messageBurst: 100_000,
  messagesPerIpPerSecond: 100_000,
  messageBurstPerIp: 100_000,
  eventsPerSecond: 100_000,
  eventBurst: 100_000,
  maxBufferedBytesPerConnection: 256 * 1024,
  slowClientSweepMs: 50,
  trustProxy: true,
} satisfies Partial<SecurityLimits>;

type Stored = "nothing" | { verbatim: string[] } | ((added: StoredMessage[]) => void);

type Row = {
  name: string;
  attack: (t: Attacker) => Promise<Outcome>;
  expect: Outcome;
  /** What the attack leaves in the database (default: no message, no room). */
  stores?: Stored;
  server?: "strict" | "open";
};

type ConnectOptions = NonNullable<Parameters<ChatTestServer["connect"]>[0]>;

/** One attack: its own client address, and its connections, all closed when the row ends. */
class Attacker {
  private readonly sockets: ChatClientSocket[] = [];
  private readonly raws: RawClient[] = [];

  constructor(
    readonly server: ChatTestServer,
    readonly address: string,
  ) {}

  /** Request headers as they reach the server through the (trusted) proxy. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { "x-forwarded-for": this.address, ...extra };
  }

  async client(
    options: ConnectOptions = {},
  ): Promise<{ socket: ChatClientSocket; session: SessionInfo }> {
    const extraHeaders = this.headers(options.extraHeaders as Record<string, string> | undefined);
    const connected = await this.server.connect({ ...options, extraHeaders });
    this.sockets.push(connected.socket);
    return connected;
  }

  /** A socket.io-client that joined `room`. */
  async joined(room = "lab", options: ConnectOptions = {}) {
    const connected = await this.client(options);
    expect(await request(connected.socket, "room:join", { room })).toMatchObject({ ok: true });
    return connected;
  }

  async raw(options: RawClientOptions = {}): Promise<RawClient> {
    const client = await RawClient.open(this.server.url, {
      ...options,
      headers: this.headers(options.headers),
    });
    this.raws.push(client);
    return client;
  }

  /** A hand-written client that joined `room`. */
  async rawJoined(room = "lab"): Promise<RawClient> {
    const client = await this.raw();
    expect(await client.emitWithAck("room:join", { room })).toMatchObject({ ok: true });
    return client;
  }

  /** A WebSocket handshake and no more: how the server answered it. */
  async upgrade(headers: Record<string, string> = {}): Promise<Outcome> {
    return refusedHandshake(await upgrade(this.server.url, this.headers(headers)));
  }

  /** A long-polling handshake and no more: how the server answered it. */
  async pollingHandshake(headers: Record<string, string> = {}): Promise<Outcome> {
    return refusedHandshake(
      await httpGet(`${this.server.url}/socket.io/?EIO=4&transport=polling`, this.headers(headers)),
    );
  }

  /**
   * A long-polling session written by hand, connected to the namespace: POST
   * sends a frame, GET collects what the server has for the client.
   */
  async polling(): Promise<{
    /** The session's URL, for requests of an attacker's own making. */
    url: string;
    sid: string;
    post(frame: string): Promise<number>;
    poll(): Promise<string>;
  }> {
    const base = `${this.server.url}/socket.io/?EIO=4&transport=polling`;
    const handshake = await httpGet(base, this.headers());
    const { sid } = JSON.parse(handshake.body.slice(1)) as { sid: string };
    const session = `${base}&sid=${sid}`;
    const post = async (frame: string) => (await httpPost(session, frame, this.headers())).status;
    const poll = async () => (await httpGet(session, this.headers())).body;
    expect(await post("40")).toBe(200);
    expect(await poll()).toMatch(/^40\{/);
    return { url: session, sid, post, poll };
  }

  /** A socket.io-client whose connection may be refused; reports how it ended. */
  tryConnect(options: { transports?: string[] } = {}): Promise<"connected" | "refused"> {
    const socket: ChatClientSocket = connectClient(this.server.url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      extraHeaders: this.headers(),
      ...options,
    });
    this.sockets.push(socket);
    return new Promise((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", () => resolve("refused"));
    });
  }

  close(): void {
    for (const socket of this.sockets) socket.disconnect();
    for (const raw of this.raws) raw.close();
  }
}

const texts = (messages: readonly { text: string }[]) => messages.map((m) => m.text);

/** A message:send frame written by hand, so that its JSON is exactly what the row says. */
const sendFrame = (ackId: number, body: string) => `42${ackId}["message:send",${body}]`;

/** JSON that escapes every non-ASCII code unit, as Python's json.dumps does by default. */
const asciiJson = (value: string) =>
  JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

async function sessionOf(raw: RawClient): Promise<SessionInfo> {
  const frame = await raw.waitFor((f) => f.startsWith('42["session"'), 2_000);
  return (JSON.parse(frame.slice(2)) as [string, SessionInfo])[1];
}

/** An HTTP answer as an outcome: its status and the `code` of its JSON error. */
async function httpOutcome(response: Response): Promise<Outcome> {
  if (response.ok) return accepted;
  const body = (await response.json().catch(() => ({}))) as { code?: unknown; message?: unknown };
  // Every refusal explains itself: a code for programs, a sentence for people.
  expect(typeof body.message).toBe("string");
  return refused(response.status, String(body.code));
}

/**
 * A request to an account route from the attacker's address, as the
 * server's own page would send it unless `headers` says otherwise. `body`
 * goes as it is: the attacker writes the bytes.
 */
function accountRoute(
  t: Attacker,
  path: string,
  init: { method?: string; body?: string; cookie?: string; headers?: Record<string, string> },
): Promise<Response> {
  return fetch(`${t.server.url}${path}`, {
    method: init.method ?? "POST",
    headers: t.headers({
      origin: t.server.url,
      "content-type": "application/json",
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...init.headers,
    }),
    body: init.body,
  });
}

/** A POST to /api/bot-tokens by a freshly signed-up person; afterwards they must hold no token. */
async function botTokenAttack(
  t: Attacker,
  init: { body?: string; headers?: Record<string, string>; signedIn?: boolean },
): Promise<Outcome> {
  const owner = await signUp(t.server, newTestAccount("Hostile Person"));
  const response = await accountRoute(t, "/api/bot-tokens", {
    ...init,
    cookie: init.signedIn === false ? undefined : owner.cookie,
  });
  const outcome = await httpOutcome(response);
  expect(await t.server.store.botTokens.list(owner.accountId)).toEqual([]);
  return outcome;
}

const RESERVED_EVENTS = [
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
];
const PROTOTYPE_EVENTS = ["__proto__", "constructor", "hasOwnProperty", "toString"];

const ROWS: Row[] = [
  // --- wrong types, nulls and missing fields ---
  {
    name: "message:send with a number for text",
    attack: async (t) =>
      observe((await t.joined()).socket, "message:send", { room: "lab", text: 42, clientId: "a" }),
    expect: error("invalid_payload"),
  },
  {
    name: "message:send with null for a payload",
    attack: async (t) => observe((await t.joined()).socket, "message:send", null),
    expect: error("invalid_payload"),
  },
  {
    name: "message:send with a bare string for a payload",
    attack: async (t) => observe((await t.joined()).socket, "message:send", "hello"),
    expect: error("invalid_payload"),
  },
  {
    name: "message:send with an array for a payload",
    attack: async (t) => observe((await t.joined()).socket, "message:send", ["lab", "hi", "c"]),
    expect: error("invalid_payload"),
  },
  {
    name: "message:send with no payload at all, only the acknowledgement",
    attack: async (t) => observe((await t.joined()).socket, "message:send"),
    expect: error("invalid_payload"),
  },
  {
    name: "message:send with a null room",
    attack: async (t) =>
      observe((await t.joined()).socket, "message:send", { room: null, text: "x", clientId: "a" }),
    expect: error("invalid_payload"),
  },
  {
    name: "message:send with an object for clientId",
    attack: async (t) =>
      observe((await t.joined()).socket, "message:send", {
        room: "lab",
        text: "x",
        clientId: { $gt: "" },
      }),
    expect: error("invalid_payload"),
  },
  {
    name: "room:join with a number for a room",
    attack: async (t) => observe((await t.client()).socket, "room:join", { room: 123 }),
    expect: error("invalid_payload"),
  },
  {
    name: "room:join with a path-traversal room name",
    attack: async (t) => observe((await t.client()).socket, "room:join", { room: "../../etc" }),
    expect: error("invalid_room"),
  },
  {
    name: "history:before with NaN (sent as null) for a cursor",
    attack: async (t) =>
      observe((await t.client()).socket, "history:before", { room: "lab", before: Number.NaN }),
    expect: error("invalid_payload"),
  },
  {
    name: "history:after with a negative cursor",
    attack: async (t) =>
      observe((await t.client()).socket, "history:after", { room: "lab", after: -1 }),
    expect: error("invalid_payload"),
  },
  {
    name: "user:rename with a null name",
    attack: async (t) => observe((await t.client()).socket, "user:rename", { name: null }),
    expect: error("invalid_payload"),
  },
  {
    name: "read:mark from a guest, whose positions are the browser's",
    attack: async (t) =>
      observe((await t.client()).socket, "read:mark", { room: "general", seq: 1 }),
    expect: error("forbidden"),
  },
  {
    name: "read:mark with a seq of a billion billion",
    attack: async (t) =>
      observe((await t.client()).socket, "read:mark", { room: "general", seq: 1e18 }),
    expect: error("invalid_payload"),
  },
  {
    name: "message:send before joining the room",
    attack: async (t) =>
      observe((await t.client()).socket, "message:send", {
        room: "lab",
        text: "hi",
        clientId: "a",
      }),
    expect: error("not_joined"),
  },

  // --- deep nesting ---
  {
    name: "a text nested two thousand objects deep",
    attack: async (t) =>
      observe((await t.joined()).socket, "message:send", {
        room: "lab",
        text: nested(2_000, "x"),
        clientId: "a",
      }),
    expect: error("invalid_payload"),
  },
  {
    name: "a payload of arrays nested ten thousand deep, written by hand",
    attack: async (t) => {
      const raw = await t.rawJoined();
      const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
      raw.send(sendFrame(77, deep));
      return outcomeOfRaw(raw, 77);
    },
    expect: error("invalid_payload"),
  },

  // --- prototype pollution ---
  {
    name: "a __proto__ key carrying a forged author and room",
    attack: async (t) => {
      const raw = await t.rawJoined();
      const me = await sessionOf(raw);
      raw.send(
        sendFrame(
          5,
          '{"room":"lab","text":"proto says hi","clientId":"p1","__proto__":{"room":"admin","author":{"id":"root","name":"Admin"},"polluted":true}}',
        ),
      );
      const outcome = await outcomeOfRaw(raw, 5);
      const ack = raw.frames.find((f) => f.startsWith("435["));
      const message = (JSON.parse(ack?.slice(3) ?? "[{}]") as [{ message?: ChatMessage }])[0]
        .message;
      expect(message).toMatchObject({ room: "lab", author: me.user });
      return outcome;
    },
    expect: accepted,
    stores: { verbatim: ["proto says hi"] },
  },
  {
    name: "constructor.prototype keys in a payload",
    attack: async (t) => {
      const raw = await t.rawJoined();
      raw.send(
        sendFrame(
          6,
          '{"room":"lab","text":"ctor","clientId":"p2","constructor":{"prototype":{"polluted":true}}}',
        ),
      );
      return outcomeOfRaw(raw, 6);
    },
    expect: accepted,
    stores: { verbatim: ["ctor"] },
  },
  {
    name: "a __proto__ key in the handshake auth claiming a name and a token",
    attack: async (t) => {
      const raw = await t.raw({
        auth: JSON.parse('{"__proto__":{"name":"Admin","token":"root.forged"}}'),
      });
      const { user } = await sessionOf(raw);
      expect(user.name).not.toBe("Admin");
      return accepted;
    },
    expect: accepted,
  },
  {
    name: "user:rename with an object whose __proto__ holds a name",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send('421["user:rename",{"name":{"__proto__":{"toString":"Admin"}}}]');
      return outcomeOfRaw(raw, 1);
    },
    expect: error("invalid_payload"),
  },

  // --- malformed Unicode, invisible and bidi names ---
  {
    name: "a lone surrogate in a message",
    attack: async (t) =>
      observe((await t.joined()).socket, "message:send", {
        room: "lab",
        text: "broken \ud800 text",
        clientId: "a",
      }),
    expect: error("invalid_payload"),
  },
  {
    name: "a lone surrogate in a display name",
    attack: async (t) => observe((await t.client()).socket, "user:rename", { name: "Ana\udc00" }),
    expect: error("invalid_payload"),
  },
  {
    name: "a right-to-left override in a display name",
    attack: async (t) => observe((await t.client()).socket, "user:rename", { name: "\u202enimdA" }),
    expect: error("invalid_name"),
  },
  {
    name: "a zero-width space hiding in a display name",
    attack: async (t) => observe((await t.client()).socket, "user:rename", { name: "Ad\u200bmin" }),
    expect: error("invalid_name"),
  },
  {
    name: "a display name of Hangul fillers only",
    attack: async (t) =>
      observe((await t.client()).socket, "user:rename", { name: "\u3164\u115f\u3164" }),
    expect: error("invalid_name"),
  },
  {
    name: "a display name of blank Braille patterns only",
    attack: async (t) =>
      observe((await t.client()).socket, "user:rename", { name: "\u2800\u2800" }),
    expect: error("invalid_name"),
  },
  {
    name: "a display name with a Cyrillic letter passing for a Latin one",
    attack: async (t) => observe((await t.client()).socket, "user:rename", { name: "Аdmin" }),
    expect: error("invalid_name"),
  },
  {
    name: "a NUL character in a display name",
    attack: async (t) => observe((await t.client()).socket, "user:rename", { name: "Ana\u0000" }),
    expect: error("invalid_payload"),
  },
  {
    name: "a bidi-isolated display name asked for in the handshake",
    attack: async (t) => {
      const { session } = await t.client({ auth: { name: "\u2067Admin\u2069" } });
      expect(session.user.name).not.toContain("Admin");
      return accepted;
    },
    expect: accepted,
  },

  // --- injection attempts are data, stored and returned verbatim ---
  {
    name: "markup in a message",
    attack: async (t) =>
      observe((await t.joined()).socket, "message:send", {
        room: "lab",
        text: `<script>alert(1)</script><img src=x onerror="alert(2)">`,
        clientId: "m1",
      }),
    expect: accepted,
    stores: { verbatim: [`<script>alert(1)</script><img src=x onerror="alert(2)">`] },
  },
  {
    name: "SQL in a message",
    attack: async (t) =>
      observe((await t.joined()).socket, "message:send", {
        room: "lab",
        text: "Robert'); DROP TABLE messages;-- ",
        clientId: "m2",
      }),
    expect: accepted,
    stores: { verbatim: ["Robert'); DROP TABLE messages;-- "] },
  },
  {
    name: "SQL in a room name",
    attack: async (t) =>
      observe((await t.client()).socket, "room:join", { room: "lab'; DROP TABLE rooms;--" }),
    expect: error("invalid_room"),
  },

  // --- sizes ---
  {
    name: "a message of 4001 characters",
    attack: async (t) =>
      observe((await t.joined()).socket, "message:send", {
        room: "lab",
        text: "x".repeat(4_001),
        clientId: "a",
      }),
    expect: error("message_too_long"),
  },
  {
    name: "the largest legal frame over WebSocket: 4000 astral characters, ASCII-escaped",
    attack: async (t) => {
      const room = "r".repeat(64);
      const raw = await t.rawJoined(room);
      const body = `{"room":"${room}","text":${asciiJson("😀".repeat(4_000))},"clientId":"${"c".repeat(64)}"}`;
      const frame = sendFrame(9, body);
      expect(frame.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
      expect(frame.length).toBeGreaterThan(MAX_FRAME_BYTES - 600);
      raw.send(frame);
      return outcomeOfRaw(raw, 9);
    },
    expect: accepted,
    stores: { verbatim: ["😀".repeat(4_000)] },
  },
  {
    name: "the largest message socket.io-client can make, over long polling",
    attack: async (t) => {
      const { socket } = await t.joined("lab", { transports: ["polling"] });
      return observe(socket, "message:send", {
        room: "lab",
        text: "\u0007".repeat(4_000),
        clientId: "poll-big",
      });
    },
    expect: accepted,
    stores: { verbatim: ["\u0007".repeat(4_000)] },
  },
  {
    name: "a frame one byte over the limit, over WebSocket",
    attack: async (t) => {
      const raw = await t.rawJoined();
      const prefix = sendFrame(3, '{"room":"lab","clientId":"big","text":"');
      const frame = `${prefix}${"x".repeat(MAX_FRAME_BYTES - prefix.length - 2)}"}]`;
      expect(frame.length).toBe(MAX_FRAME_BYTES + 1);
      raw.send(frame);
      const outcome = await outcomeOfRaw(raw, 3);
      expect(await raw.closed).toEqual({ code: 1009 });
      return outcome;
    },
    expect: disconnected,
  },
  {
    name: "the largest legal frame over long polling, written by hand",
    attack: async (t) => {
      const room = "p".repeat(64);
      const session = await t.polling();
      expect(await session.post(`421["room:join",{"room":"${room}"}]`)).toBe(200);
      await until(async () => (await session.poll()).includes("431["), 2_000, "the join");
      const body = `{"room":"${room}","text":${asciiJson("😀".repeat(4_000))},"clientId":"${"c".repeat(64)}"}`;
      const frame = sendFrame(2, body);
      expect(frame.length).toBeGreaterThan(MAX_FRAME_BYTES - 600);
      expect(await session.post(frame)).toBe(200);
      let answer = "";
      await until(
        async () => {
          answer += await session.poll();
          return answer.includes("432[");
        },
        2_000,
        "the acknowledgement",
      );
      const ack = answer.split("\u001e").find((packet) => packet.startsWith("432["));
      return fromAck((JSON.parse(ack?.slice(3) ?? "[]") as unknown[])[0]);
    },
    expect: accepted,
    stores: { verbatim: ["😀".repeat(4_000)] },
  },
  {
    name: "an oversized frame over long polling closes that session at once",
    attack: async (t) => {
      // By hand, since socket.io-client would give up on its own and hide what the server does.
      const session = await t.polling();
      const body = JSON.stringify({
        room: "lab",
        text: "x".repeat(MAX_FRAME_BYTES),
        clientId: "b",
      });
      expect(await session.post(`42["message:send",${body}]`)).toBe(413);
      // The next poll finds the session gone, well before a heartbeat could have ended it.
      const next = await session.poll().then(
        (text) => text,
        () => "",
      );
      return next.includes("Session ID unknown") ? disconnected : ignored;
    },
    expect: disconnected,
  },

  {
    name: "an oversized frame over long polling with no declared length (chunked) closes that session too",
    attack: async (t) => {
      const session = await t.polling();
      const half = "x".repeat(Math.ceil(MAX_FRAME_BYTES / 2));
      const answer = await httpPostChunked(
        session.url,
        [`42["message:send",{"room":"lab","clientId":"c","text":"`, half, half, `"}]`],
        t.headers(),
      );
      expect(answer.status).toBe(413);
      const next = await session.poll().then(
        (text) => text,
        () => "",
      );
      return next.includes("Session ID unknown") ? disconnected : ignored;
    },
    expect: disconnected,
  },

  // --- unknown, reserved and strange event names ---
  {
    name: "an unknown event",
    attack: async (t) => observe((await t.client()).socket, "admin:wipe", { all: true }),
    expect: ignored,
  },
  {
    name: "an event name of forty thousand characters",
    attack: async (t) => observe((await t.client()).socket, "e".repeat(40_000), {}),
    expect: ignored,
  },
  {
    name: "a number for an event name",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send('4211[42,{"room":"lab"}]');
      return outcomeOfRaw(raw, 11);
    },
    expect: ignored,
  },
  {
    name: 'the reserved event name "error"',
    attack: async (t) => {
      const raw = await t.raw();
      return outcomeOfRaw(raw, raw.emit("error", { message: "boom" }));
    },
    expect: ignored,
  },
  ...PROTOTYPE_EVENTS.map(
    (event): Row => ({
      name: `the event name "${event}"`,
      attack: async (t) => {
        const raw = await t.raw();
        return outcomeOfRaw(raw, raw.emit(event, { room: "lab" }));
      },
      expect: ignored,
    }),
  ),
  // Socket.IO's parser treats these names as a protocol violation and closes the connection.
  ...RESERVED_EVENTS.map(
    (event): Row => ({
      name: `the reserved event name "${event}"`,
      attack: async (t) => {
        const raw = await t.raw();
        return outcomeOfRaw(raw, raw.emit(event, {}));
      },
      expect: disconnected,
    }),
  ),

  // --- malformed Engine.IO and Socket.IO frames ---
  {
    name: "a frame that is not an Engine.IO packet",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send("hello");
      return outcomeOfRaw(raw);
    },
    expect: disconnected,
  },
  {
    name: "an empty frame",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send("");
      return outcomeOfRaw(raw);
    },
    expect: disconnected,
  },
  {
    name: "an event whose JSON is cut short",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send('42["message:send",{"room":"lab","text":');
      return outcomeOfRaw(raw);
    },
    expect: disconnected,
  },
  {
    name: "a binary frame out of nowhere",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
      return outcomeOfRaw(raw);
    },
    expect: disconnected,
  },
  {
    name: "a binary event announcing a thousand attachments",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send('451000-["message:send",{"_placeholder":true,"num":0}]');
      return outcomeOfRaw(raw);
    },
    expect: disconnected,
  },
  {
    name: "a binary event announcing zero attachments",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send('450-["message:send",{"room":"lab","text":"x","clientId":"z"}]');
      return outcomeOfRaw(raw);
    },
    expect: disconnected,
  },
  {
    name: "a binary event whose attachment never comes, followed by text",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send('451-["message:send",{"_placeholder":true,"num":0}]');
      raw.send('42["room:join",{"room":"lab"}]');
      return outcomeOfRaw(raw);
    },
    expect: disconnected,
  },
  {
    name: "a second CONNECT on a connected socket",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send("40");
      return outcomeOfRaw(raw);
    },
    expect: disconnected,
  },
  {
    name: "an acknowledgement for a request the server never made",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send('43999["ok"]');
      return outcomeOfRaw(raw);
    },
    expect: ignored,
  },
  {
    name: "a CONNECT to a namespace that does not exist",
    attack: async (t) => {
      const raw = await t.raw();
      raw.send("40/admin,");
      await raw.waitFor((f) => f.startsWith("44/admin,"), 2_000);
      const after = await outcomeOfRaw(raw);
      return after.kind === "ignored" ? { kind: "namespace_refused" } : after;
    },
    expect: { kind: "namespace_refused" },
  },

  // --- floods and limits ---
  {
    name: "sending faster than the message budget",
    attack: async (t) => {
      const { socket } = await t.joined();
      const results: Outcome[] = [];
      let retryAfterMs = 0;
      for (let i = 0; i < 8; i++) {
        const ack = await request(socket, "message:send", {
          room: "lab",
          text: `burst ${i}`,
          clientId: `b${i}`,
        });
        if (!ack.ok) retryAfterMs = ack.error.retryAfterMs ?? 0;
        results.push(ack.ok ? accepted : error(ack.error.code));
      }
      const sent = results.filter((r) => r.kind === "accepted").length;
      expect(sent).toBeGreaterThanOrEqual(STRICT.messagesPerSecond + STRICT.messageBurst);
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(1_000);
      // Waiting as told is enough to be served again.
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
      const later = await request(socket, "message:send", {
        room: "lab",
        text: "after waiting",
        clientId: "late",
      });
      expect(later.ok).toBe(true);
      return results.at(-1) ?? accepted;
    },
    expect: error("rate_limited"),
    stores: (messages) => {
      expect(texts(messages).at(-1)).toBe("after waiting");
      expect(texts(messages).slice(0, -1)).toEqual(
        texts(messages)
          .slice(0, -1)
          .map((_, i) => `burst ${i}`),
      );
    },
  },
  {
    name: "coming back as a new identity for a fresh message budget",
    attack: async (t) => {
      const sendAll = async (socket: ChatClientSocket, tag: string) => {
        let sent = 0;
        let last: Outcome = accepted;
        for (let i = 0; i < 6; i++) {
          last = fromAck(
            await request(socket, "message:send", {
              room: "lab",
              text: `${tag} ${i}`,
              clientId: `${tag}${i}`,
            }),
          );
          if (last.kind === "accepted") sent++;
        }
        return { sent, last };
      };
      const first = await sendAll((await t.joined()).socket, "first");
      expect(first.last).toEqual(error("rate_limited"));
      // The second identity's own budget is untouched, but its address's is nearly spent.
      const second = await sendAll((await t.joined()).socket, "second");
      expect(second.sent).toBeLessThan(STRICT.messagesPerSecond + STRICT.messageBurst);
      return second.last;
    },
    expect: error("rate_limited"),
    stores: (messages) => {
      const perAddress = STRICT.messagesPerIpPerSecond * 2 + STRICT.messageBurstPerIp;
      expect(messages.length).toBeLessThanOrEqual(perAddress);
      expect(texts(messages).some((text) => text.startsWith("second"))).toBe(true);
    },
  },
  {
    name: "a send flood that ignores rate_limited",
    attack: async (t) => {
      const raw = await t.rawJoined();
      for (let i = 0; i < 300; i++) {
        raw.send(
          sendFrame(
            100 + i,
            JSON.stringify({ room: "lab", text: `flood ${i}`, clientId: `f${i}` }),
          ),
        );
      }
      const outcome = await outcomeOfRaw(raw);
      const limited = raw.frames.filter((f) => f.includes('"code":"rate_limited"'));
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0]).toMatch(/"retryAfterMs":\d+/);
      // Coming straight back does not work: the address is shut out for a while.
      expect(await t.upgrade()).toEqual(
        refused(400, "this address is shut out for a while after flooding"),
      );
      return outcome;
    },
    expect: disconnected,
    stores: (messages) => {
      // At most the sustained rate and the burst (often nothing: the flood is
      // cut off before the handlers of its first events have run).
      expect(messages.length).toBeLessThanOrEqual(
        STRICT.messagesPerSecond * 2 + STRICT.messageBurst,
      );
      for (const text of texts(messages)) expect(text).toMatch(/^flood \d+$/);
    },
  },
  {
    name: "a flood of history reads",
    attack: async (t) => {
      const raw = await t.raw();
      for (let i = 0; i < 300; i++)
        raw.emit("history:after", { room: "lab", after: 0, limit: 200 });
      return outcomeOfRaw(raw);
    },
    expect: disconnected,
  },
  {
    name: "joining more rooms than one connection may",
    attack: async (t) => {
      const { socket } = await t.joined("lab");
      for (const room of ["two", "three"]) {
        expect(await request(socket, "room:join", { room })).toMatchObject({ ok: true });
      }
      const outcome = await observe(socket, "room:join", { room: "four" });
      // A room already joined can be joined again, and leaving one makes room.
      expect(await observe(socket, "room:join", { room: "lab" })).toEqual(accepted);
      expect(await observe(socket, "room:leave", { room: "two" })).toEqual(accepted);
      expect(await observe(socket, "room:join", { room: "four" })).toEqual(accepted);
      return outcome;
    },
    expect: error("rate_limited"),
  },
  {
    name: "more connections from one address than allowed",
    attack: async (t) => {
      const extra: RawClient[] = [];
      for (let i = 0; i < STRICT.maxConnectionsPerIp; i++) extra.push(await t.raw());
      const outcome = await t.upgrade();
      expect(await t.pollingHandshake()).toEqual(
        refused(403, "too many connections from this address"),
      );
      // Other addresses are not affected, and a slot is given back when a connection closes.
      expect(await t.upgrade({ "x-forwarded-for": "192.0.2.1" })).toEqual(accepted);
      extra[0]?.close();
      await extra[0]?.closed;
      await until(async () => (await t.upgrade()).kind === "accepted", 2_000, "a free slot");
      return outcome;
    },
    expect: refused(400, "too many connections from this address"),
  },
  {
    name: "opening new connections faster than an address may",
    attack: async (t) => {
      const outcomes: Outcome[] = [];
      for (let i = 0; i < STRICT.maxConnectionsPerIp + STRICT.connectionsPerIpPerSecond + 2; i++) {
        outcomes.push(await t.upgrade());
      }
      expect(outcomes[0]).toEqual(accepted);
      return outcomes.at(-1) ?? accepted;
    },
    expect: refused(400, "too many new connections from this address; retry later"),
  },

  // --- origins ---
  {
    name: "a WebSocket handshake from a foreign origin",
    attack: (t) => t.upgrade({ origin: "https://evil.example" }),
    expect: refused(400, "origin not allowed"),
  },
  {
    name: "a polling handshake from a foreign origin",
    attack: (t) => t.pollingHandshake({ origin: "https://evil.example" }),
    expect: refused(403, "origin not allowed"),
  },
  {
    name: "a handshake from an opaque (null) origin",
    attack: (t) => t.upgrade({ origin: "null" }),
    expect: refused(400, "origin not allowed"),
  },
  {
    name: "a handshake from a look-alike of the server's own host",
    attack: (t) => t.upgrade({ origin: `http://127.0.0.1.evil.example:${t.server.port}` }),
    expect: refused(400, "origin not allowed"),
  },
  {
    name: "handshakes from the server's own page, a listed origin and a bot without Origin",
    attack: async (t) => {
      const outcomes = [
        await t.upgrade({ origin: t.server.url }),
        await t.upgrade({ origin: "https://friend.example" }),
        await t.upgrade(),
        await t.pollingHandshake({ origin: t.server.url }),
      ];
      expect(outcomes).toEqual([accepted, accepted, accepted, accepted]);
      return accepted;
    },
    expect: accepted,
  },

  {
    name: "later polling requests of a session from a foreign origin",
    attack: async (t) => {
      // A session opened without Origin (as a bot would), then used from another site's page.
      const session = await t.polling();
      const foreign = t.headers({ origin: "https://evil.example" });
      const poll = refusedHandshake(await httpGet(session.url, foreign));
      const post = refusedHandshake(await httpPost(session.url, "40", foreign));
      expect(post).toEqual(poll);
      return poll;
    },
    expect: refused(403, "origin not allowed"),
  },
  {
    name: "the upgrade of a polling session to WebSocket from a foreign origin",
    attack: async (t) => {
      const session = await t.polling();
      return refusedHandshake(
        await upgrade(
          t.server.url,
          t.headers({ origin: "https://evil.example" }),
          `&sid=${session.sid}`,
        ),
      );
    },
    expect: refused(400, "origin not allowed"),
  },
  {
    name: "JSONP long polling, whose answers any page could load as a script",
    attack: async (t) =>
      refusedHandshake(
        await httpGet(`${t.server.url}/socket.io/?EIO=4&transport=polling&j=0`, t.headers()),
      ),
    expect: refused(403, "JSONP polling is not supported"),
  },

  // --- hosts (DNS rebinding) ---
  {
    name: "a polling handshake for a host name this server does not serve (DNS rebinding)",
    attack: (t) =>
      t.pollingHandshake({
        host: `rebound.evil.example:${t.server.port}`,
        origin: `http://rebound.evil.example:${t.server.port}`,
      }),
    expect: refused(403, "host not served"),
  },
  {
    name: "a WebSocket handshake for a rebound host name",
    attack: (t) =>
      t.upgrade({
        host: `rebound.evil.example:${t.server.port}`,
        origin: `http://rebound.evil.example:${t.server.port}`,
      }),
    expect: refused(400, "host not served"),
  },
  {
    name: "a page for a rebound host name, directly or as the proxy forwards it",
    attack: async (t) => {
      const direct = await httpGet(
        `${t.server.url}/chat/lab`,
        t.headers({ host: "rebound.evil.example" }),
      );
      const forwarded = await httpGet(
        `${t.server.url}/chat/lab`,
        t.headers({ "x-forwarded-host": "rebound.evil.example" }),
      );
      expect(forwarded.status).toBe(direct.status);
      return refused(direct.status);
    },
    expect: refused(421),
  },
  {
    name: "pages and sockets for the hosts it serves: its address, localhost, an allowed host",
    attack: async (t) => {
      const statuses = await Promise.all(
        [t.server.url.replace("http://", ""), `localhost:${t.server.port}`, "chat.example.org"].map(
          async (host) => (await httpGet(`${t.server.url}/chat/lab`, t.headers({ host }))).status,
        ),
      );
      expect(statuses).toEqual([200, 200, 200]);
      return t.pollingHandshake({ "x-forwarded-host": "chat.example.org" });
    },
    expect: accepted,
  },

  // --- sessions ---
  {
    name: "a tampered or unsigned identity cookie, or a bot token as cookie, gets a fresh identity",
    attack: async (t) => {
      const issued = await t.server.issueIdentityCookie();
      const token = issued.slice(issued.indexOf("=") + 1);
      const cookie = (value: string) => ({
        extraHeaders: { cookie: `scrollback_session=${value}` },
      });
      const victim = await t.client(cookie(token));
      victim.socket.disconnect();
      const bot = await t.client();
      bot.socket.disconnect();

      const [prefix, id, generation, issuedAt, signature = ""] = token.split(".");
      const flipped = `${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`;
      const forgeries = [
        [prefix, id, generation, issuedAt, flipped].join("."),
        [prefix, randomUUID(), generation, issuedAt, signature].join("."),
        `${id}.${signature}`,
        `${id}`,
      ];
      for (const forged of forgeries) {
        const attacker = await t.client(cookie(forged));
        expect(attacker.session.user.id).not.toBe(victim.session.user.id);
        expect(forged.includes(attacker.session.user.id)).toBe(false);
        attacker.socket.disconnect();
      }
      const botAsBrowser = await t.client(cookie(botTokenOf(bot.session)));
      expect(botAsBrowser.session.user.id).not.toBe(bot.session.user.id);
      botAsBrowser.socket.disconnect();
      return accepted;
    },
    expect: accepted,
  },
  {
    name: "a forged bot token gets a fresh identity",
    attack: async (t) => {
      const victim = await t.client();
      const [prefix, id, generation, issuedAt] = botTokenOf(victim.session).split(".");
      for (const forged of [
        [prefix, id, generation, issuedAt, "A".repeat(43)].join("."),
        `${id}.${"A".repeat(43)}`,
      ]) {
        const attacker = await t.client({ auth: { token: forged } });
        expect(attacker.session.user.id).not.toBe(victim.session.user.id);
        attacker.socket.disconnect();
      }
      return accepted;
    },
    expect: accepted,
  },

  // --- account HTTP routes (bot tokens, sign-in) ---
  {
    name: "a bot token request larger than its limit",
    attack: (t) =>
      botTokenAttack(t, {
        body: JSON.stringify({ name: "x", padding: "y".repeat(BOT_TOKEN_BODY_LIMIT_BYTES) }),
      }),
    expect: refused(413, "too_large"),
  },
  {
    name: "a bot token request whose body is not JSON",
    attack: (t) => botTokenAttack(t, { body: '{"name": "Bot",' }),
    expect: refused(400, "invalid_json"),
  },
  {
    name: "a bot token request with JSON null for a body",
    attack: (t) => botTokenAttack(t, { body: "null" }),
    expect: refused(400, "invalid_payload"),
  },
  {
    name: "a bot token request with a number for the name",
    attack: (t) => botTokenAttack(t, { body: JSON.stringify({ name: 42 }) }),
    expect: refused(400, "invalid_payload"),
  },
  {
    name: "a bot token request with an object for the name and a __proto__ key",
    attack: (t) =>
      botTokenAttack(t, { body: '{"name": {"toString": "Bot"}, "__proto__": {"polluted": true}}' }),
    expect: refused(400, "invalid_payload"),
  },
  {
    name: "a bot token request whose name has text-direction characters",
    attack: (t) => botTokenAttack(t, { body: JSON.stringify({ name: "\u202Egnp.exe" }) }),
    expect: refused(400, "invalid_name"),
  },
  {
    name: "a bot token request sent as a form, as a cross-site form would",
    attack: (t) =>
      botTokenAttack(t, {
        body: "name=Bot",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
    expect: refused(415, "unsupported_media_type"),
  },
  {
    name: "a bot token request from another site's page, with the person's cookie",
    attack: (t) =>
      botTokenAttack(t, {
        body: JSON.stringify({ name: "Planted" }),
        headers: { origin: "https://evil.example" },
      }),
    expect: refused(403, "FORBIDDEN_ORIGIN"),
  },
  {
    name: "a bot token request with no session",
    attack: (t) => botTokenAttack(t, { body: JSON.stringify({ name: "Bot" }), signedIn: false }),
    expect: refused(401, "unauthorized"),
  },
  {
    name: "a bot token revocation from another site's page, with the person's cookie",
    attack: async (t) => {
      const owner = await signUp(t.server, newTestAccount("Hostile Person"));
      const made = await accountRoute(t, "/api/bot-tokens", {
        body: JSON.stringify({ name: "Target" }),
        cookie: owner.cookie,
      });
      expect(made.status).toBe(201);
      const { id } = (await made.json()) as { id: string };
      const outcome = await httpOutcome(
        await accountRoute(t, `/api/bot-tokens/${id}`, {
          method: "DELETE",
          cookie: owner.cookie,
          headers: { origin: "https://evil.example" },
        }),
      );
      expect(await t.server.store.botTokens.list(owner.accountId)).toHaveLength(1);
      return outcome;
    },
    expect: refused(403, "FORBIDDEN_ORIGIN"),
  },
  {
    name: "bot token revocations by ids of the attacker's making, and methods the route has not",
    attack: async (t) => {
      const owner = await signUp(t.server, newTestAccount("Hostile Person"));
      const made = await accountRoute(t, "/api/bot-tokens", {
        body: JSON.stringify({ name: "Target" }),
        cookie: owner.cookie,
      });
      expect(made.status).toBe(201);
      const { id } = (await made.json()) as { id: string };
      const outcomes = [];
      for (const path of [
        `/api/bot-tokens/${id}%00`,
        `/api/bot-tokens/${id}/..`,
        "/api/bot-tokens/..%2F..%2Fauth%2Fsign-out",
        `/api/bot-tokens/${id.toUpperCase()}`,
        "/api/bot-tokens/' OR '1'='1",
      ])
        outcomes.push(
          await httpOutcome(
            await accountRoute(t, path, { method: "DELETE", cookie: owner.cookie }),
          ),
        );
      for (const method of ["PUT", "PATCH"])
        outcomes.push(
          await httpOutcome(
            await accountRoute(t, "/api/bot-tokens", { method, cookie: owner.cookie, body: "{}" }),
          ),
        );
      expect(outcomes).toEqual([
        ...Array.from({ length: 5 }, () => refused(404, "not_found")),
        refused(405, "method_not_allowed"),
        refused(405, "method_not_allowed"),
      ]);
      expect((await t.server.store.botTokens.list(owner.accountId)).map((t) => t.id)).toEqual([id]);
      return accepted;
    },
    expect: accepted,
  },
  {
    name: "a made-up account bot token in auth.token",
    attack: async (t) => {
      try {
        await t.client({ auth: { token: `sbb_${"A".repeat(43)}` } });
        return accepted;
      } catch {
        return { kind: "namespace_refused" };
      }
    },
    expect: { kind: "namespace_refused" },
  },
  {
    name: "a sign-in request larger than its limit",
    attack: async (t) =>
      httpOutcome(
        await accountRoute(t, "/api/auth/sign-in/email", {
          body: JSON.stringify({ email: "a@example.test", password: "x".repeat(70 * 1024) }),
        }),
      ),
    expect: refused(413, "TOO_LARGE"),
  },
  {
    name: "a sign-in request whose body is not JSON",
    attack: async (t) =>
      httpOutcome(await accountRoute(t, "/api/auth/sign-in/email", { body: '{"email": ' })),
    expect: refused(400, "BAD_REQUEST"),
  },
  {
    name: "a sign-in request with a number for the email and a list for the password",
    attack: async (t) =>
      httpOutcome(
        await accountRoute(t, "/api/auth/sign-in/email", {
          body: JSON.stringify({ email: 42, password: ["x"] }),
        }),
      ),
    expect: refused(400, "VALIDATION_ERROR"),
  },
  {
    name: "a sign-in request from another site's page",
    attack: async (t) =>
      httpOutcome(
        await accountRoute(t, "/api/auth/sign-in/email", {
          body: JSON.stringify({ email: "a@example.test", password: "quiet-meadow-lantern" }),
          headers: { origin: "https://evil.example" },
        }),
      ),
    expect: refused(403, "FORBIDDEN_ORIGIN"),
  },

  // --- slow, idle and half-open clients ---
  {
    name: "a client that never finishes connecting to the namespace",
    attack: async (t) => {
      const raw = await t.raw({ connect: false });
      return (await raw.closesWithin(STRICT_SOCKET.connectTimeout + 2_000))
        ? disconnected
        : ignored;
    },
    expect: disconnected,
  },
  {
    name: "a half-open client that stops answering heartbeats",
    attack: async (t) => {
      const raw = await t.raw({ answerPings: false });
      const { pingInterval, pingTimeout } = STRICT_SOCKET;
      return (await raw.closesWithin(pingInterval + pingTimeout + 2_000)) ? disconnected : ignored;
    },
    expect: disconnected,
  },
  {
    name: "a TCP connection that never sends a request",
    attack: async (t) => {
      const { closedAfterMs, answer } = await idleTcp(t.server.port, "", 5_000);
      expect(closedAfterMs).not.toBeNull();
      return refused(Number(answer.split(" ")[1]));
    },
    expect: refused(408),
  },
  {
    name: "a request whose headers never end (slowloris)",
    attack: async (t) => {
      const { closedAfterMs, answer } = await idleTcp(
        t.server.port,
        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nX-Slow: ",
        5_000,
      );
      expect(closedAfterMs).not.toBeNull();
      return refused(Number(answer.split(" ")[1]));
    },
    expect: refused(408),
  },
  {
    name: "a client that stops reading while the room is flooded",
    server: "open",
    attack: async (t) => {
      const cap = OPEN.maxBufferedBytesPerConnection ?? 0;
      const reader = await t.rawJoined("flooded");
      const connection = t.server.io.of("/").sockets.get(reader.socketId)?.conn;
      if (!connection) throw new Error("the reader's connection is not on the server");
      const listener = await t.joined("flooded");
      const heard = collectMessages(listener.socket);
      const sender = await t.joined("flooded");
      reader.stopReading();

      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, bufferedBytes(connection));
      }, 5);
      const text = "x".repeat(4_000);
      const total = 1_500;
      try {
        for (let i = 0; i < total; i += 50) {
          await Promise.all(
            Array.from({ length: 50 }, (_, j) =>
              request(sender.socket, "message:send", {
                room: "flooded",
                text,
                clientId: `s${i + j}`,
              }),
            ),
          );
        }
        await eventually(() => expect(heard).toHaveLength(total), 20_000);
      } finally {
        clearInterval(sampler);
      }
      // The room carried far more than the cap; what waited for the reader never grew far past it.
      expect(total * text.length).toBeGreaterThan(20 * cap);
      expect(peak).toBeGreaterThan(cap);
      expect(peak).toBeLessThan(4 * cap);
      return t.server.io.of("/").sockets.has(reader.socketId) ? ignored : disconnected;
    },
    expect: disconnected,
    stores: (messages) => {
      expect(messages).toHaveLength(1_500);
      expect(new Set(texts(messages))).toEqual(new Set(["x".repeat(4_000)]));
    },
  },
];

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

function checkStored(stores: Stored, before: DbSnapshot, after: DbSnapshot): void {
  const newMessages = added(before.messages, after.messages);
  // Nothing stored is ever changed: rows are only ever added.
  expect(added(after.messages, before.messages)).toEqual([]);
  if (stores === "nothing") {
    expect(newMessages).toEqual([]);
    expect(after.rooms).toEqual(before.rooms);
  } else if (typeof stores === "function") {
    stores(newMessages);
  } else {
    expect(texts(newMessages)).toEqual(stores.verbatim);
  }
  expect(after.messages.map(messageViolation).filter(Boolean)).toEqual([]);
  // Users appear as connections arrive, but a stored name never changes
  // behind its owner's back and every name is a valid one.
  const previous = new Map(before.users.map((u) => [u.id, u.name]));
  for (const user of after.users) {
    if (previous.has(user.id)) expect(user.name).toBe(previous.get(user.id));
    expect(nameViolation(user.name)).toBeNull();
  }
}

async function expectStillServing(server: ChatTestServer, round: number): Promise<void> {
  const { socket } = await server.connect({
    extraHeaders: { "x-forwarded-for": `198.51.100.${round % 250}` },
  });
  const heard = collectMessages(socket);
  expect(await request(socket, "room:join", { room: "canary" })).toMatchObject({ ok: true });
  const ack = await request(socket, "message:send", {
    room: "canary",
    text: `still here ${round}`,
    clientId: `canary-${round}`,
  });
  expect(ack).toMatchObject({ ok: true });
  await eventually(() => expect(texts(heard)).toEqual([`still here ${round}`]));
  socket.disconnect();
}

describe("hostile input", () => {
  let strict: ChatTestServer;
  let open: ChatTestServer;
  let bystander: ChatClientSocket;
  let heardByBystander: ChatMessage[];

  beforeAll(async () => {
    strict = await ChatTestServer.start({
      limits: STRICT,
      socketOptions: STRICT_SOCKET,
      httpOptions: STRICT_HTTP,
    });
    open = await ChatTestServer.start({ limits: OPEN });
    bystander = (await strict.connect()).socket;
    heardByBystander = collectMessages(bystander);
    expect(await request(bystander, "room:join", { room: "lab" })).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    await strict?.dispose();
    await open?.dispose();
  });

  it("has at least thirty cases", () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
  });

  ROWS.forEach((row, round) => {
    it(row.name, async () => {
      const server = row.server === "open" ? open : strict;
      const idle = server === strict ? 1 : 0;
      const before = readDb(server.dbPath);
      const heardBefore = heardByBystander.length;
      const attacker = new Attacker(server, `203.0.113.${round % 250}`);
      let outcome: Outcome;
      try {
        outcome = await row.attack(attacker);
      } finally {
        attacker.close();
      }
      expect(outcome).toEqual(row.expect);

      const after = readDb(server.dbPath);
      checkStored(row.stores ?? "nothing", before, after);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();

      if (server === strict) {
        // Whatever the attacker did, the person chatting in the room all along is still there
        // and heard exactly what was stored.
        expect(bystander.connected).toBe(true);
        const stored = added(before.messages, after.messages).filter((m) => m.room === "lab");
        await eventually(() =>
          expect(texts(heardByBystander.slice(heardBefore))).toEqual(texts(stored)),
        );
      }
      await expectStillServing(server, round);
      await until(
        () => server.io.engine.clientsCount === idle,
        5_000,
        "the attack's connections to close",
      );
    });
  });
});
