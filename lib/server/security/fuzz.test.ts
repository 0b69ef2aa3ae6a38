import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import type { RequestEvent } from "../../shared/protocol";
import { fromAck, NO_ANSWER_MS } from "../testing/attacks";
import { ChatTestServer, request } from "../testing/chat-test-server";
import { readDb } from "../testing/db-snapshot";
import { messageViolation, nameViolation } from "../testing/protocol-oracle";

const EVENTS: readonly RequestEvent[] = [
  "room:join",
  "room:leave",
  "message:send",
  "message:edit",
  "message:delete",
  "reaction:add",
  "reaction:remove",
  "reaction:users",
  "history:before",
  "history:after",
  "history:around",
  "changes:after",
  "user:rename",
  "read:mark",
  "read:positions",
];
/** Stand-ins for the ids of messages stored before the run, swapped in before sending. */
const KNOWN_IDS = ["#0", "#1", "#2"];
/** socket.io-client refuses to emit these, so they cannot be fuzzed from it. */
const RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting"]);
const RESERVED_BY_NODE = new Set(["newListener", "removeListener"]);

/** Values that are nearly right as often as they are nonsense, to get past the first check. */
const field = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary: plausible },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
  );

/** Characters that have broken chat servers: controls, bidi, zero-width, surrogate halves. */
const TRICKY = [
  "a",
  " ",
  "\u0000",
  "\u0007",
  "\u200b",
  "\u200f",
  "\u202e",
  "\u2066",
  "\u2028",
  "\ufeff",
  "\ud800",
  "\udc00",
  "😀",
  "<",
  "'",
];

/** Text as people type it, any UTF-16 code units (lone surrogates included), or tricky characters. */
const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: "grapheme", maxLength }),
    fc.string({ unit: "binary", maxLength }),
    fc
      .array(fc.constantFrom(...TRICKY), { minLength: 1, maxLength: Math.min(maxLength, 12) })
      .map((parts) => parts.join("")),
  );

const shapes = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.record(
    {
      room: field(
        fc.oneof(
          { weight: 4, arbitrary: fc.constant("fuzz") },
          { weight: 1, arbitrary: fc.constantFrom("other", "Fuzz", "", "fu zz", "-x") },
        ),
      ),
      text: field(text(200)),
      clientId: field(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)),
      name: field(text(40)),
      since: field(fc.integer({ min: -5, max: 1_000 })),
      before: field(fc.integer({ min: -5, max: 1_000 })),
      after: field(fc.integer({ min: -5, max: 1_000 })),
      limit: field(fc.oneof(fc.integer(), fc.double())),
      seq: field(fc.integer({ min: -5, max: 1_000 })),
      id: field(fc.oneof(fc.constantFrom(...KNOWN_IDS), fc.uuid())),
      replyTo: field(fc.constantFrom(...KNOWN_IDS)),
      emoji: field(fc.oneof(fc.constantFrom("👍", "❤", "🇵🇹", "👩🏽‍💻", "👍👍", "a", ""), text(8))),
    },
    { requiredKeys: ["room", "text", "clientId"] },
  ),
);

/** Some payloads also carry a key that names a prototype, as an own property (as JSON.parse makes it). */
const payload = fc
  .tuple(
    shapes,
    fc.option(
      fc.record({
        key: fc.constantFrom("__proto__", "constructor", "prototype", "toString"),
        value: fc.jsonValue({ maxDepth: 2 }),
      }),
    ),
  )
  .map(([body, extra]) => {
    if (!extra || typeof body !== "object" || body === null || Array.isArray(body)) return body;
    return Object.defineProperty({ ...body }, extra.key, {
      value: extra.value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  });

const event = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EVENTS) },
  {
    weight: 1,
    arbitrary: fc
      .string({ maxLength: 30 })
      .filter((name) => !RESERVED.has(name) && !RESERVED_BY_NODE.has(name)),
  },
);

type UntypedEmitter = {
  emit(event: string, ...args: unknown[]): void;
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
};

describe("arbitrary JSON at every event", () => {
  let server: ChatTestServer;
  let socket: ChatClientSocket;
  /** Messages stored before the run, so that changes reach the paths that store. */
  const knownIds: string[] = [];

  beforeAll(async () => {
    // The rate budgets are lifted in tests: this is about what the handlers accept, not how often.
    server = await ChatTestServer.start({ limits: { maxRoomsPerConnection: 1_000_000 } });
    socket = (await server.connect()).socket;
    expect(await request(socket, "room:join", { room: "fuzz" })).toMatchObject({ ok: true });
    for (const n of [0, 1, 2]) {
      const sent = await request(socket, "message:send", {
        room: "fuzz",
        text: `known ${n}`,
        clientId: `known-${n}`,
      });
      if (sent.ok) knownIds.push(sent.message.id);
    }
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("never crashes the server, always answers a request with a protocol result, and stores only valid data", async () => {
    // What the server acknowledged as stored, to hold the database to it.
    const acknowledged = new Map<string, string>();
    const deleted = new Set<string>();
    for (const [n, id] of knownIds.entries()) acknowledged.set(id, `known ${n}`);
    const withKnownIds = (body: unknown) => {
      if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
      const swapped: Record<string, unknown> = { ...body };
      for (const key of ["id", "replyTo"]) {
        const index = KNOWN_IDS.indexOf(swapped[key] as string);
        if (index >= 0) swapped[key] = knownIds[index];
      }
      return swapped;
    };
    await fc.assert(
      fc.asyncProperty(event, payload, async (name, generated) => {
        const body = withKnownIds(generated);
        const untyped = socket as unknown as UntypedEmitter;
        if (!(EVENTS as readonly string[]).includes(name)) {
          untyped.emit(name, body);
          return;
        }
        const ack = await (socket.timeout(NO_ANSWER_MS) as unknown as UntypedEmitter).emitWithAck(
          name,
          body,
        );
        // Throws unless the answer is { ok: true, … } or a known error code with a message.
        fromAck(ack);
        const stored = (ack as { message?: { id: string; text: string; deleted: boolean } })
          .message;
        if (stored && (ack as { ok: boolean }).ok) {
          acknowledged.set(stored.id, stored.text);
          if (stored.deleted) deleted.add(stored.id);
        }
        expect(socket.connected).toBe(true);
        // A generated room:leave may take the socket out of "fuzz"; rejoin so that
        // later sends still reach the storing path, whatever the random order.
        if (name === "room:leave") await request(socket, "room:join", { room: "fuzz" });
      }),
      { numRuns: 500 },
    );

    const { messages, users } = readDb(server.dbPath);
    // The generator reaches the paths that store, not only the ones that refuse.
    expect(messages.length).toBeGreaterThan(0);
    // A deleted message is a tombstone with no text; every other stored message keeps the rules.
    const living = messages.filter((message) => !deleted.has(message.id));
    expect(living.map(messageViolation).filter(Boolean)).toEqual([]);
    for (const message of messages.filter((m) => deleted.has(m.id))) expect(message.text).toBe("");
    // Stored verbatim: what the database holds is exactly what was acknowledged.
    for (const message of messages) expect(message.text).toBe(acknowledged.get(message.id));
    expect(users.map((user) => nameViolation(user.name)).filter(Boolean)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // And it still serves someone who plays by the rules.
    const { socket: newcomer } = await server.connect();
    expect(await request(newcomer, "room:join", { room: "fuzz" })).toMatchObject({ ok: true });
    expect(
      await request(newcomer, "message:send", { room: "fuzz", text: "still fine", clientId: "ok" }),
    ).toMatchObject({ ok: true, message: { text: "still fine" } });
  });
});
