import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ChatClientSocket } from "../../client/room-client";
import {
  type RequestEvent,
  type RequestOf,
  ROOM_VISIBILITIES,
  type RoomVisibility,
  type User,
} from "../../shared/protocol";
import { newTestAccount, signUp } from "../testing/accounts";
import { type ChatTestServer, request, settle } from "../testing/chat-test-server";
import {
  postgresDeployment,
  sqliteDeployment,
  type TestDeployment,
} from "../testing/test-deployments";
import {
  AUTHORIZATION_TABLE,
  type Cell,
  COVERAGE,
  type Outcome,
  PERSONAS,
  type Persona,
  type Row,
} from "./authorization-table";

/*
 * Every row of authorization-table.ts, for every persona in every kind of
 * room, against a real server on SQLite and on Postgres. The people and the
 * direct room are made once per engine; the public and private rooms once
 * per engine too, except for rows that change the persona's own standing
 * (joining, accepting an invite, leaving), which get rooms of their own.
 */

type Someone = {
  persona: Persona;
  user: User;
  socket: ChatClientSocket;
  /** What their browser sends: the account's session cookie, or the guest's identity cookie. */
  cookie: string;
};

type RoomOfWorld = { name: string; firstMessageId: string };

async function answer<E extends RequestEvent>(
  socket: ChatClientSocket,
  event: E,
  payload: RequestOf<E>,
  refused: (message: string) => void = () => {},
): Promise<Outcome> {
  const result = await request(socket, event, payload);
  if (result.ok) return "ok";
  refused(result.error.message);
  return result.error.code;
}

async function must<E extends RequestEvent>(
  socket: ChatClientSocket,
  event: E,
  payload: RequestOf<E>,
) {
  const result = await request(socket, event, payload);
  if (!result.ok)
    throw new Error(
      `setting up the world: ${event} ${JSON.stringify(payload)} → ${JSON.stringify(result.error)}`,
    );
  return result;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long after a relayed notice it must have arrived, once both connections are settled. */
const NOTICE_GRACE_MS = 50;

class World {
  readonly people = new Map<Persona, Someone>();
  direct = "";
  private counter = 0;
  /** Connections a cell opened, closed when it ends. */
  private readonly cellSockets: ChatClientSocket[] = [];

  constructor(
    readonly deployment: TestDeployment,
    readonly server: ChatTestServer,
  ) {}

  static async build(deployment: TestDeployment): Promise<World> {
    const server = deployment.servers[0] as ChatTestServer;
    const world = new World(deployment, server);
    // The deployment's first account is its admin; then everyone else, at once.
    await world.addAccount("admin");
    await Promise.all(
      PERSONAS.filter((p) => p !== "admin").map((p) =>
        p === "guest" ? world.addGuest() : world.addAccount(p),
      ),
    );
    const owner = world.who("owner");
    const opened = await must(owner.socket, "dm:open", { userId: world.who("member").user.id });
    world.direct = opened.room.name;
    for (const p of ["owner", "member"] as const)
      await must(world.who(p).socket, "room:join", { room: world.direct });
    await must(owner.socket, "message:send", {
      room: world.direct,
      text: "the direct room's first message",
      clientId: "direct-first",
    });
    return world;
  }

  who(persona: Persona): Someone {
    const someone = this.people.get(persona);
    if (!someone) throw new Error(`no ${persona} in this world`);
    return someone;
  }

  private async addAccount(persona: Persona): Promise<void> {
    const account = await signUp(this.server, newTestAccount(`The ${persona}`));
    const { socket, session } = await this.server.connect({
      extraHeaders: { cookie: account.cookie },
    });
    if (persona === "admin" && session.account?.role !== "admin")
      throw new Error("the deployment's first account is not its admin");
    this.people.set(persona, { persona, user: session.user, socket, cookie: account.cookie });
  }

  private async addGuest(): Promise<void> {
    const cookie = await this.server.issueIdentityCookie();
    const { socket, session } = await this.server.connect({ extraHeaders: { cookie } });
    if (session.account) throw new Error("the guest is signed in");
    // A stored name, as any guest who has written has.
    await must(socket, "user:rename", { name: "The guest" });
    this.people.set("guest", { persona: "guest", user: session.user, socket, cookie });
  }

  nextName(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.counter}-${randomUUID().slice(0, 8)}`;
  }

  /**
   * A public or private room in which each of `personas` has its standing:
   * made by the owner; members joined (public) or added / invited (private)
   * and connected; then the moderator given the role, the muted one muted,
   * the removed one kicked and the banned one banned, while connected.
   */
  async makeRoom(
    visibility: "public" | "private",
    personas: readonly Persona[] = PERSONAS,
  ): Promise<RoomOfWorld> {
    const name = this.nextName(visibility === "public" ? "pub" : "priv");
    const owner = this.who("owner").socket;
    const has = (p: Persona) => personas.includes(p);
    await must(owner, "room:create", { room: name, visibility, topic: "a world of personas" });
    await must(owner, "room:join", { room: name });
    const members = (["moderator", "member", "muted", "removed", "banned"] as const).filter(has);
    for (const p of members) {
      if (visibility === "private")
        await must(owner, "member:add", { room: name, userId: this.who(p).user.id });
      await must(this.who(p).socket, "room:join", { room: name });
    }
    if (has("guest")) {
      const guest = this.who("guest").socket;
      if (visibility === "private") {
        const invite = await must(owner, "invite:create", { room: name, expiresInMinutes: 60 });
        await must(guest, "invite:accept", { token: invite.token });
      }
      await must(guest, "room:join", { room: name });
    }
    if (has("admin")) await must(this.who("admin").socket, "room:join", { room: name });
    const id = (p: Persona) => this.who(p).user.id;
    if (has("moderator"))
      await must(owner, "member:role", { room: name, userId: id("moderator"), role: "moderator" });
    if (has("muted"))
      await must(owner, "member:mute", { room: name, userId: id("muted"), minutes: 60 });
    if (has("removed")) await must(owner, "member:kick", { room: name, userId: id("removed") });
    if (has("banned")) await must(owner, "member:ban", { room: name, userId: id("banned") });
    const first = await must(owner, "message:send", {
      room: name,
      text: "the room's first message",
      clientId: `first-${name}`,
    });
    return { name, firstMessageId: first.message.id };
  }

  async makeRooms(): Promise<Record<RoomVisibility, RoomOfWorld>> {
    const [pub, priv, direct] = await Promise.all([
      this.makeRoom("public"),
      this.makeRoom("private"),
      this.directRoom(),
    ]);
    return { public: pub, private: priv, direct };
  }

  private async directRoom(): Promise<RoomOfWorld> {
    const page = await this.server.store.messages.after(this.direct, 0, 1);
    const first = page.messages[0];
    if (!first) throw new Error("the direct room has no first message");
    return { name: this.direct, firstMessageId: first.id };
  }

  async connectAs(someone: Someone): Promise<ChatClientSocket> {
    const { socket } = await this.server.connect({ extraHeaders: { cookie: someone.cookie } });
    this.cellSockets.push(socket);
    return socket;
  }

  /** A new identity (a guest with a bot token and a stored name), kept connected for the cell. */
  async newcomer(): Promise<{ socket: ChatClientSocket; userId: string }> {
    const { socket, session } = await this.server.connect();
    this.cellSockets.push(socket);
    await must(socket, "user:rename", { name: this.nextName("Newcomer").slice(0, 24) });
    return { socket, userId: session.user.id };
  }

  endCell(): void {
    for (const socket of this.cellSockets.splice(0)) socket.disconnect();
  }

  async cell(persona: Persona, visibility: RoomVisibility, room: RoomOfWorld): Promise<Cell> {
    const me = this.who(persona);
    const owner = this.who("owner");
    const other = persona === "owner" ? this.who("member") : owner;
    const store = this.server.store;
    const rooms = this.pageRooms();
    const world = this;
    const ownerAsk = <E extends RequestEvent>(event: E, payload: RequestOf<E>) =>
      answer(owner.socket, event, payload);
    const ownerMust = <E extends RequestEvent>(event: E, payload: RequestOf<E>) =>
      must(owner.socket, event, payload);
    const append = async (author: User) =>
      (
        await store.messages.append({
          room: room.name,
          author,
          clientId: world.nextName("seeded"),
          text: `written by ${author.name}`,
        })
      ).message;
    const page = await store.messages.after(room.name, 0, 1);
    const firstMessage = page.messages.find((m) => m.id === room.firstMessageId);
    if (!firstMessage) throw new Error(`${room.name} has lost its first message`);
    let lastRefusal: string | null = null;
    const refused = (message: string) => {
      lastRefusal = message;
    };
    return {
      lastRefusal: () => lastRefusal,
      persona,
      visibility,
      room: room.name,
      socket: me.socket,
      user: me.user,
      witness: { socket: other.socket, user: other.user },
      firstMessage,
      connectAgain: () => world.connectAs(me),
      ask: (event, payload) => answer(me.socket, event, payload, refused),
      askOn: (socket, event, payload) => answer(socket, event, payload, refused),
      ownerAsk,
      othersMessage: () => append(other.user),
      ownMessage: () => append(me.user),
      mentionOfPersona: async () =>
        (
          await store.messages.append({
            room: room.name,
            author: other.user,
            clientId: world.nextName("mention"),
            text: `@${me.user.name} look`,
            mentions: { userIds: [me.user.id], all: null },
          })
        ).message,
      async mentionsListed(id) {
        const result = await request(me.socket, "mentions:list", { limit: 50 });
        if (!result.ok) {
          refused(result.error.message);
          return result.error.code;
        }
        return result.messages.some((m) => m.id === id) ? "listed" : "not listed";
      },
      async target(standing) {
        if (visibility === "direct" && standing !== "none") return other.user.id;
        const newcomer = await world.newcomer();
        if (standing === "none") return newcomer.userId;
        if (visibility === "public") await must(newcomer.socket, "room:join", { room: room.name });
        else await ownerMust("member:add", { room: room.name, userId: newcomer.userId });
        if (standing === "banned")
          await ownerMust("member:ban", { room: room.name, userId: newcomer.userId });
        if (standing === "muted")
          await ownerMust("member:mute", {
            room: room.name,
            userId: newcomer.userId,
            minutes: 30,
          });
        return newcomer.userId;
      },
      async invite() {
        if (visibility === "direct") return null;
        const made = await ownerMust("invite:create", { room: room.name, expiresInMinutes: 60 });
        return { id: made.invite.id, token: made.token };
      },
      async roomOfItsOwn() {
        if (visibility === "direct") return room.name;
        return (await world.makeRoom(visibility, [persona])).name;
      },
      async delivered(socket, event, trigger, matches) {
        let heard = false;
        let controlHeard = false;
        const listener = (payload: unknown) => {
          if (matches(payload)) heard = true;
        };
        const control = (payload: unknown) => {
          if (matches(payload)) controlHeard = true;
        };
        const on = socket as unknown as {
          on(e: string, l: (p: unknown) => void): void;
          off(e: string, l: (p: unknown) => void): void;
        };
        // The owner always hears the room's messages and membership changes: once
        // they have it, every connection in the room was sent it at the same moment.
        const withControl = event !== "typing:started";
        const controlSocket = owner.socket as unknown as typeof on;
        on.on(event, listener);
        if (withControl) controlSocket.on(event, control);
        try {
          await trigger();
          if (withControl) {
            const deadline = Date.now() + 10_000;
            while (!controlHeard && Date.now() < deadline) await sleep(5);
            if (!controlHeard) throw new Error(`the owner never heard the ${event}`);
          } else {
            await sleep(NOTICE_GRACE_MS);
          }
          await settle(socket);
          if (!heard) {
            await sleep(NOTICE_GRACE_MS);
            await settle(socket);
          }
          return heard ? "delivered" : "not delivered";
        } finally {
          on.off(event, listener);
          if (withControl) controlSocket.off(event, control);
        }
      },
      async listRooms() {
        return (await rooms.list(new Headers({ cookie: me.cookie }))).map((r) => r.name);
      },
      async pageAccess() {
        const access = await rooms.access(new Headers({ cookie: me.cookie }), room.name);
        if (access.allowed) return "ok";
        refused(access.reason);
        return "forbidden";
      },
    };
  }

  pageRooms() {
    return this.server.app.rooms;
  }

  async dispose(): Promise<void> {
    this.endCell();
    await this.deployment.dispose();
  }
}

const ENGINES = [
  ["SQLite", sqliteDeployment],
  ["Postgres", postgresDeployment],
] as const;

const CELLS = ROOM_VISIBILITIES.flatMap((visibility) =>
  PERSONAS.map((persona) => ({ persona, visibility })),
);

describe("the table covers every request", () => {
  it("names a row for every request the table says it has a row for", () => {
    const rows = new Set(AUTHORIZATION_TABLE.map((row) => row.covers));
    for (const [event, how] of Object.entries(COVERAGE))
      if (how === "row") expect(rows, `${event} has no row`).toContain(event);
  });
});

describe.each(ENGINES)("authorization matrix on %s", (_engine, deploy) => {
  let world: World;
  let shared: Record<RoomVisibility, RoomOfWorld>;
  beforeAll(async () => {
    world = await World.build(await deploy());
    shared = await world.makeRooms();
  }, 120_000);
  afterAll(async () => {
    await world?.dispose();
  });
  afterEach(() => world.endCell());

  describe.each(AUTHORIZATION_TABLE.map((row) => [row.name, row] as [string, Row]))(
    "%s",
    (_name, row) => {
      let rooms: Record<RoomVisibility, RoomOfWorld>;
      beforeAll(async () => {
        rooms = row.freshRooms ? await world.makeRooms() : shared;
      }, 60_000);

      it.each(CELLS.map((c) => ({ ...c, expected: row.expected(c.persona, c.visibility) })))(
        "$persona in a $visibility room: $expected",
        async ({ persona, visibility, expected }) => {
          const cell = await world.cell(persona, visibility, rooms[visibility]);
          expect(await row.run(cell)).toBe(expected);
          const refusal = expected === "forbidden" ? row.refusal?.(persona, visibility) : undefined;
          if (refusal !== undefined) expect(cell.lastRefusal()).toBe(refusal);
        },
      );
    },
  );
});
