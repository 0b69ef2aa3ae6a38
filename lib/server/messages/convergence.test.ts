import { randomBytes, randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import { PostgresStore } from "../store/postgres-store";
import type { UploadStore } from "../store/types";
import { catchUp, FollowingClient, RoomReplica } from "../testing/change-replica";
import { ChatTestServer, eventually, request, settle } from "../testing/chat-test-server";
import { createTestSchema } from "../testing/postgres";
import { TEST_REDIS_URL } from "../testing/redis-process";

/**
 * Convergence, in the spirit of Zulip's verify_action: several clients make
 * random sends, edits, deletes, reactions and replies, drop their connection
 * at random points and come back; each follows the room only as the protocol
 * says (live events, a catch-up after a reconnect or a jump in rev). Once
 * everything has settled, every client's state equals what a fresh client
 * replays with `changes:after 0` — on SQLite, on Postgres, and with the
 * clients spread over two instances on one Postgres and one Redis.
 */

const CLIENTS = 3;
const EMOJI = ["👍", "🎉", "❤️", "👩🏽‍💻"] as const;

type Op =
  /** `files`: how many of the sender's uploads it attaches. */
  | { kind: "send"; replyTo: number | null; files: number }
  | { kind: "edit"; target: number }
  | { kind: "delete"; target: number }
  | { kind: "react"; target: number; emoji: string; added: boolean }
  | { kind: "drop" }
  | { kind: "return" };

const target = fc.nat(20);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("send" as const),
      replyTo: fc.option(target),
      files: fc.nat(2),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("edit" as const), target }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), target }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("react" as const),
      target,
      emoji: fc.constantFrom(...EMOJI),
      added: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "drop" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "return" as const }) },
);
const scenario = fc.array(fc.array(op, { maxLength: 14 }), {
  minLength: CLIENTS,
  maxLength: CLIENTS,
});

/** Every message of the room as a client that never saw it before replays it. */
async function freshReplay(url: string, room: string) {
  const fresh = new FollowingClient(url, room, "Fresh");
  const replica = new RoomReplica();
  await fresh.connect();
  await catchUp(fresh.socket, room, replica);
  fresh.disconnect();
  return replica.snapshot();
}

/** A finished upload of this person's, recorded in the real store (the route is lib/server/files/). */
async function uploadOf(uploads: UploadStore, uploaderId: string): Promise<string> {
  const id = randomUUID();
  await uploads.add({
    id,
    uploaderId,
    address: "127.0.0.1",
    name: `${id}.png`,
    size: 100,
    type: "image/png",
    contentKey: randomBytes(32).toString("hex"),
    width: 2,
    height: 1,
    placeholder: null,
    variants: ["thumb"],
    createdAt: new Date(),
  });
  return id;
}

async function runScenario(
  urls: readonly string[],
  uploads: UploadStore,
  plans: Op[][],
): Promise<void> {
  const room = `conv-${randomBytes(4).toString("hex")}`;
  const clients = plans.map(
    (_, i) => new FollowingClient(urls[i % urls.length] ?? "", room, `Person ${i}`),
  );
  await Promise.all(clients.map((client) => client.connect()));
  const ids: string[] = [];
  let sent = 0;
  const pick = (n: number) => ids[n % Math.max(1, ids.length)];
  try {
    await Promise.all(
      clients.map(async (client, c) => {
        for (const step of plans[c] ?? []) {
          const socket: ChatClientSocket = client.socket;
          if (step.kind === "drop") {
            client.disconnect();
            continue;
          }
          if (step.kind === "return") {
            if (!socket.connected) await client.connect();
            continue;
          }
          if (!socket.connected) continue;
          if (step.kind === "send") {
            sent += 1;
            const replyTo = step.replyTo === null ? undefined : pick(step.replyTo);
            const files: string[] = [];
            const uploader = client.user?.id;
            if (uploader)
              for (let f = 0; f < step.files; f++) files.push(await uploadOf(uploads, uploader));
            const ack = await request(socket, "message:send", {
              room,
              text: `message ${sent} from ${c}`,
              clientId: `c${c}-${sent}`,
              ...(replyTo === undefined ? {} : { replyTo }),
              ...(files.length === 0 ? {} : { attachments: files }),
            });
            if (ack.ok) ids.push(ack.message.id);
            if (ack.ok) expect(ack.message.attachments ?? []).toHaveLength(step.files);
            continue;
          }
          const id = pick(step.target);
          if (id === undefined) continue;
          // Refusals (someone else's message, a deleted one) are part of the game.
          if (step.kind === "edit")
            await request(socket, "message:edit", { room, id, text: `edited by ${c} at ${sent}` });
          else if (step.kind === "delete") await request(socket, "message:delete", { room, id });
          else
            await request(socket, step.added ? "reaction:add" : "reaction:remove", {
              room,
              id,
              emoji: step.emoji,
            });
        }
      }),
    );
    // Quiescence: everyone is back, every broadcast delivered, every catch-up done.
    for (const client of clients) if (!client.socket.connected) await client.connect();
    const expected = await freshReplay(urls[0] ?? "", room);
    await eventually(async () => {
      for (const client of clients) {
        await settle(client.socket);
        await client.settled();
        expect(client.replica.snapshot()).toEqual(expected);
      }
    });
  } finally {
    for (const client of clients) client.disconnect();
  }
}

function describeConvergence(
  name: string,
  start: () => Promise<{ urls: string[]; uploads: UploadStore; dispose(): Promise<void> }>,
  runs: number,
) {
  describe(`convergence of every client with a fresh replay: ${name}`, () => {
    let deployment: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      deployment = await start();
    });
    afterAll(async () => {
      await deployment?.dispose();
    });

    it("holds after random sends (some with files), edits, deletes, reactions, replies, drops and returns", async () => {
      await fc.assert(
        fc.asyncProperty(scenario, (plans) =>
          runScenario(deployment.urls, deployment.uploads, plans),
        ),
        { numRuns: runs },
      );
    }, 120_000);
  });
}

describeConvergence(
  "SQLite",
  async () => {
    const server = await ChatTestServer.start();
    return {
      urls: [server.url],
      uploads: server.store.uploads,
      dispose: () => server.dispose(),
    };
  },
  25,
);

describeConvergence(
  "Postgres",
  async () => {
    const schema = await createTestSchema();
    const server = await ChatTestServer.start({
      openStore: () => PostgresStore.open(schema.url, { poolSize: 4 }),
    });
    return {
      urls: [server.url],
      uploads: server.store.uploads,
      async dispose() {
        await server.dispose();
        await schema.drop();
      },
    };
  },
  15,
);

describeConvergence(
  "two instances on Postgres and Redis",
  async () => {
    const schema = await createTestSchema();
    const prefix = `test-${randomBytes(4).toString("hex")}`;
    const start = () =>
      ChatTestServer.start({
        openStore: () => PostgresStore.open(schema.url, { poolSize: 4 }),
        redisUrl: TEST_REDIS_URL,
        redisPrefix: prefix,
      });
    const [a, b] = await Promise.all([start(), start()]);
    await eventually(() => {
      expect(a.app.redis?.isReady()).toBe(true);
      expect(b.app.redis?.isReady()).toBe(true);
    });
    return {
      urls: [a.url, b.url],
      // One database behind both instances.
      uploads: a.store.uploads,
      async dispose() {
        await Promise.all([a.dispose(), b.dispose()]);
        await schema.drop();
      },
    };
  },
  15,
);
