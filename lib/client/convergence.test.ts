import fc from "fast-check";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, request } from "../server/testing/chat-test-server";
import { LinkRelay } from "../server/testing/link-relay";
import {
  postgresDeployment,
  redisDeployment,
  sqliteDeployment,
  type TestDeployment,
} from "../server/testing/test-deployments";
import type { ChatMessage } from "../shared/protocol";
import { memoryOutboxStorage } from "./outbox";
import { type ChatClientSocket, RoomClient } from "./room-client";

/*
 * The convergence property, in the spirit of Zulip's verify_action: people
 * on several real clients (the sync engine, outbox and transport as the
 * browser runs them, over real sockets) send, reply, edit, delete and react
 * at random while their links drop and return at random; once everything
 * has settled, what each client holds equals what a fresh client of that
 * person loads with `changes:after 0`, `me` included.
 */

const PEOPLE = 3;
const EMOJI = ["👍", "🎉", "❤️"] as const;
const SETTLE_MS = 20_000;

type Step =
  | { kind: "send"; who: number; reply: number | null }
  | { kind: "edit" | "delete"; who: number; target: number }
  | { kind: "toggle"; who: number; target: number; emoji: number }
  | { kind: "cut" | "restore"; who: number }
  | { kind: "pause" };

const who = fc.nat({ max: PEOPLE - 1 });
const target = fc.nat({ max: 50 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("send" as const), who, reply: fc.option(target) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("edit" as const), who, target }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), who, target }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("toggle" as const),
      who,
      target,
      emoji: fc.nat({ max: EMOJI.length - 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cut" as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("restore" as const), who }) },
  { weight: 1, arbitrary: fc.constant({ kind: "pause" as const }) },
);

type Person = {
  client: RoomClient;
  socket: ChatClientSocket;
  relay: LinkRelay;
  token: () => string | undefined;
};

let rooms = 0;

async function openPerson(port: number, room: string, index: number): Promise<Person> {
  const relay = await LinkRelay.start(port);
  let token: string | undefined;
  const socket: ChatClientSocket = io(relay.url, {
    transports: ["websocket"],
    forceNew: true,
    autoConnect: false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 250,
    auth: (send) => send(token ? { token } : { name: `Person ${index}` }),
  });
  socket.on("session", (session) => {
    token = session.token;
  });
  const client = new RoomClient(socket, room, memoryOutboxStorage(), {
    requestTimeoutMs: 2_000,
    retryDelayMs: 50,
  });
  client.start();
  socket.connect();
  return { client, socket, relay, token: () => token };
}

/** What a fresh client of this person loads: every message of the room, current, with `me`. */
async function freshLoad(url: string, room: string, token: string): Promise<ChatMessage[]> {
  const socket: ChatClientSocket = io(url, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    auth: { token },
  });
  try {
    const all: ChatMessage[] = [];
    let after = 0;
    for (;;) {
      const page = await request(socket, "changes:after", { room, after, limit: 200 });
      if (!page.ok) throw new Error(page.error.message);
      all.push(...page.messages);
      if (!page.hasMore) return all.sort((a, b) => a.seq - b.seq);
      after = page.messages.at(-1)?.rev ?? after;
    }
  } finally {
    socket.disconnect();
  }
}

const view = (messages: readonly ChatMessage[]) =>
  messages.map((m) => ({
    id: m.id,
    seq: m.seq,
    rev: m.rev,
    text: m.text,
    deleted: m.deleted,
    edited: m.editedAt !== null,
    replyTo: m.replyTo,
    reactions: m.reactions.map((r) => ({ emoji: r.emoji, count: r.count, me: r.me ?? false })),
  }));

async function apply(people: readonly Person[], s: Step): Promise<void> {
  if (s.kind === "pause") return new Promise((resolve) => setTimeout(resolve, 30));
  const person = people[s.who] as Person;
  const { client } = person;
  const shown = client.getSnapshot().shown;
  const pick = (n: number) => shown[n % Math.max(1, shown.length)];
  switch (s.kind) {
    case "send": {
      const replyTo = s.reply === null ? undefined : pick(s.reply);
      client.say(
        `said by ${s.who}, ${rooms}`,
        replyTo ? { replyTo: { id: replyTo.id, seq: replyTo.seq } } : {},
      );
      return;
    }
    case "edit": {
      const message = pick(s.target);
      if (message) client.edit(message.id, `${message.text} (edited)`.slice(-200));
      return;
    }
    case "delete": {
      const message = pick(s.target);
      if (message) client.remove(message.id);
      return;
    }
    case "toggle": {
      const message = pick(s.target);
      if (message) client.toggleReaction(message.id, EMOJI[s.emoji] as string);
      return;
    }
    case "cut":
      person.relay.cut();
      return;
    case "restore":
      person.relay.restore();
      return;
  }
}

function convergenceOn(name: string, open: () => Promise<TestDeployment>): void {
  describe(`convergence on ${name}`, () => {
    let deployment: TestDeployment;
    beforeAll(async () => {
      deployment = await open();
    });
    afterAll(async () => {
      await deployment.dispose();
    });

    it("after random sends, replies, edits, deletes, reactions and dropped links, every client equals a fresh load", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
          const room = `converge-${++rooms}`;
          const { servers } = deployment;
          const people = await Promise.all(
            Array.from({ length: PEOPLE }, (_, i) => {
              const server = servers[i % servers.length];
              if (!server) throw new Error("no server");
              return openPerson(server.port, room, i);
            }),
          );
          try {
            await eventually(() => {
              for (const p of people) expect(p.client.getSnapshot().joined).toBe(true);
            }, SETTLE_MS);
            for (const s of steps) await apply(people, s);
            for (const p of people) p.relay.restore();
            const url = (servers[0] as { url: string }).url;
            await eventually(async () => {
              for (const p of people) {
                const snapshot = p.client.getSnapshot();
                expect(snapshot.joined).toBe(true);
                expect(snapshot.outbox).toEqual([]);
                expect(snapshot.shown.every((m) => !m.pending)).toBe(true);
                const token = p.token();
                if (!token) throw new Error("no token yet");
                expect(view(snapshot.timeline.messages)).toEqual(
                  view(await freshLoad(url, room, token)),
                );
              }
            }, SETTLE_MS);
          } finally {
            for (const p of people) {
              p.client.stop();
              p.socket.disconnect();
              await p.relay.close();
            }
          }
        }),
        // Bounded: a handful of runs per engine keeps the file under a minute.
        { numRuns: 15, interruptAfterTimeLimit: 15_000 },
      );
    }, 90_000);
  });
}

convergenceOn("SQLite", sqliteDeployment);
convergenceOn("Postgres", postgresDeployment);
convergenceOn("two instances on Redis", redisDeployment);
