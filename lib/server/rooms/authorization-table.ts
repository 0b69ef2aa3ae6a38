import type { ChatClientSocket } from "../../client/room-client";
import type { ErrorCode } from "../../shared/errors";
import type {
  ChatMessage,
  NoticeEvent,
  RequestEvent,
  RequestOf,
  Result,
  ResultOf,
  RoomVisibility,
  User,
} from "../../shared/protocol";
import { BANNED, NOT_A_MEMBER } from "./permissions";

/*
 * The authorization matrix as one table: a row per request (and per live
 * delivery, listing and page) that reveals or changes a room, each with how
 * a persona makes it and what they must get, persona × visibility. The test
 * beside it (authorization-matrix.test.ts) runs every cell against a real
 * server on each engine. What a row expects is written from the issue's
 * rules (who may read, speak, moderate and own; the helpers below), never
 * from what the server answers; `can` is the server's own statement of them.
 */

export const PERSONAS = [
  "nonMember",
  "member",
  "moderator",
  "owner",
  "admin",
  "guest",
  "removed",
  "banned",
  "muted",
] as const;
export type Persona = (typeof PERSONAS)[number];

/**
 * Who each persona is, in the public and private rooms of a world (the
 * direct room is between `owner` and `member`, both plain members there):
 * - nonMember: an account that never joined (in the public room: never
 *   opened it, so its connection is not subscribed).
 * - member / moderator / owner: accounts with that role.
 * - admin: the deployment's first account (server role admin); its
 *   connection joined the public room (which made it a member there) and
 *   the private one (which did not).
 * - guest: a cookie identity, a member (joined the public room, accepted an
 *   invite to the private one).
 * - removed: an account that was a member, connected, then kicked.
 * - banned: an account that was a member, connected, then banned.
 * - muted: a member muted for an hour.
 */
export const PERSONA_NOTES: Record<Persona, string> = {
  nonMember: "an account that never joined",
  member: "an account with role member",
  moderator: "an account with role moderator",
  owner: "the account that made the room",
  admin: "the server's admin account, a member only of the public room it joined",
  guest: "a cookie identity that is a member",
  removed: "an account that was kicked while connected",
  banned: "an account that was banned while connected",
  muted: "a member muted for an hour",
};

/** What a cell observes: a request's answer (ok or its error code), or whether something reached the persona. */
export type Outcome =
  | "ok"
  | ErrorCode
  | "delivered"
  | "not delivered"
  | "listed"
  | "not listed"
  /** The row cannot happen in this room (said why in the row). */
  | "n/a";

/** A member of the room (the direct room: one of its two people). */
export function memberOf(p: Persona, v: RoomVisibility): boolean {
  if (v === "direct") return p === "owner" || p === "member";
  // Joining a public room makes anyone a member, an admin too; a private room it does not.
  if (p === "admin") return v === "public";
  return p === "owner" || p === "moderator" || p === "member" || p === "guest" || p === "muted";
}

/** Admins act in public and private rooms; a direct room is its two people's alone. */
export function actsAsAdmin(p: Persona, v: RoomVisibility): boolean {
  return p === "admin" && v !== "direct";
}

/** May read the room: its history, changes, members, page and place in listings. */
export function readable(p: Persona, v: RoomVisibility): boolean {
  if (actsAsAdmin(p, v) || memberOf(p, v)) return true;
  return v === "public" && p !== "banned";
}

/** The persona's connection was in the room after the world was set up (joined, not removed since). */
export function subscribed(p: Persona, v: RoomVisibility): boolean {
  return memberOf(p, v) || actsAsAdmin(p, v);
}

/** Rank as the rules compare it: admin 4, owner 3, moderator 2, member 1, others 0. */
export function rank(p: Persona, v: RoomVisibility): number {
  if (actsAsAdmin(p, v)) return 4;
  if (!memberOf(p, v)) return 0;
  if (v === "direct") return 1;
  return p === "owner" ? 3 : p === "moderator" ? 2 : 1;
}

/**
 * Why a reader's request is refused, in the words the person reads: banned
 * from the room, or not a member of a private or direct one. Undefined where
 * the persona may read.
 */
export function readerRefusal(p: Persona, v: RoomVisibility): string | undefined {
  if (readable(p, v)) return undefined;
  return p === "banned" && v !== "direct" ? BANNED : NOT_A_MEMBER;
}

const okIf = (allowed: boolean, otherwise: Outcome = "forbidden"): Outcome =>
  allowed ? "ok" : otherwise;
/** Moderation (invite, add, kick, ban, mute…): moderators and up, never in a direct room. */
const moderates = (p: Persona, v: RoomVisibility) => v !== "direct" && rank(p, v) >= 2;
/** Owner's business (settings, delete, audit, giving the moderator role): owners and admins. */
const owns = (p: Persona, v: RoomVisibility) => v !== "direct" && rank(p, v) >= 3;
/** Sends, reactions, typing: readers who are not muted. */
const speaks = (p: Persona, v: RoomVisibility) => readable(p, v) && p !== "muted";

/** What a cell has to work with; the test implements it over a live server. */
export type Cell = {
  persona: Persona;
  visibility: RoomVisibility;
  /** The room's name. */
  room: string;
  /** The persona's connection as the world left it (subscribed where `subscribed`). */
  socket: ChatClientSocket;
  user: User;
  /** A new connection of the persona, subscribed to nothing; closed when the cell ends. */
  connectAgain(): Promise<ChatClientSocket>;
  /** The message of the last refusal `ask`, `askOn` or `pageAccess` got in this cell; null when none was refused. */
  lastRefusal(): string | null;
  /** The request's answer from `socket`: "ok" or its error code. */
  ask<E extends RequestEvent>(event: E, payload: RequestOf<E>): Promise<Outcome>;
  /** The same from another connection. */
  askOn<E extends RequestEvent>(
    socket: ChatClientSocket,
    event: E,
    payload: RequestOf<E>,
  ): Promise<Outcome>;
  /** The room's first message, written by its owner when the world was made. */
  firstMessage: ChatMessage;
  /** A new message in the room by someone other than the persona (stored directly). */
  othersMessage(): Promise<ChatMessage>;
  /** A new message in the room by the persona (stored directly, whatever they may do). */
  ownMessage(): Promise<ChatMessage>;
  /**
   * A new message in the room by someone else that names the persona
   * (stored directly with the mention, whatever the persona's standing now:
   * as if written while they were a member).
   */
  mentionOfPersona(): Promise<ChatMessage>;
  /** Whether the persona's `mentions:list` (first page) holds this message: "listed", "not listed", or the refusal. */
  mentionsListed(id: string): Promise<Outcome>;
  /** A new person (a guest identity, connected) with this standing in the room, made by its owner. */
  target(standing: "member" | "banned" | "muted" | "none"): Promise<string>;
  /** A new invite to the room made by its owner; null for a direct room (none can be made). */
  invite(): Promise<{ id: string; token: string } | null>;
  /** A room of this visibility made for this cell alone, the persona in its usual standing there. */
  roomOfItsOwn(): Promise<string>;
  /** Someone else in the room whose connection hears it (the owner, or the member when the persona is the owner). */
  witness: { socket: ChatClientSocket; user: User };
  /** Whether `event` reaches `socket` after `trigger` (waits for it, or proves it will not come). */
  delivered(
    socket: ChatClientSocket,
    event: "message:created" | "member:changed" | "typing:started",
    trigger: () => Promise<void>,
    matches: (payload: unknown) => boolean,
  ): Promise<Outcome>;
  /** GET /api/rooms for the persona: the rooms it lists. */
  listRooms(): Promise<string[]>;
  /** Whether the persona may open the room's page. */
  pageAccess(): Promise<Outcome>;
  /** The owner's (or, for the owner, the member's) request, for setting things up. */
  ownerAsk<E extends RequestEvent>(event: E, payload: RequestOf<E>): Promise<Outcome>;
};

export type Row = {
  /** The request, event or route, and what about it. */
  name: string;
  /** Which request or notice this row proves (for the coverage check). */
  covers: RequestEvent | NoticeEvent | "delivery" | "http";
  /**
   * Rows that change the persona's own standing (joining a public room makes
   * a member; accepting an invite; leaving) run in rooms made for the row.
   */
  freshRooms?: boolean;
  expected(p: Persona, v: RoomVisibility): Outcome;
  /** Where the refusal's words are the rules' own (a reader's), what they must say. */
  refusal?(p: Persona, v: RoomVisibility): string | undefined;
  run(cell: Cell): Promise<Outcome>;
};

const FORGED_TOKEN = "A".repeat(43);

export const AUTHORIZATION_TABLE: readonly Row[] = [
  {
    name: "room:join",
    covers: "room:join",
    freshRooms: true,
    refusal: readerRefusal,
    expected: (p, v) => okIf(readable(p, v)),
    run: async (c) => c.askOn(await c.connectAgain(), "room:join", { room: c.room }),
  },
  {
    name: "room:leave (unsubscribing reveals nothing)",
    covers: "room:leave",
    expected: () => "ok",
    run: async (c) => c.askOn(await c.connectAgain(), "room:leave", { room: c.room }),
  },
  {
    name: "history:before",
    covers: "history:before",
    refusal: readerRefusal,
    expected: (p, v) => okIf(readable(p, v)),
    run: (c) => c.ask("history:before", { room: c.room, before: 1_000 }),
  },
  {
    name: "history:after",
    covers: "history:after",
    refusal: readerRefusal,
    expected: (p, v) => okIf(readable(p, v)),
    run: (c) => c.ask("history:after", { room: c.room, after: 0 }),
  },
  {
    name: "history:around",
    covers: "history:around",
    refusal: readerRefusal,
    expected: (p, v) => okIf(readable(p, v)),
    run: (c) => c.ask("history:around", { room: c.room, seq: 1 }),
  },
  {
    name: "changes:after",
    covers: "changes:after",
    refusal: readerRefusal,
    expected: (p, v) => okIf(readable(p, v)),
    run: (c) => c.ask("changes:after", { room: c.room, after: 0 }),
  },
  {
    name: "reaction:users",
    covers: "reaction:users",
    refusal: readerRefusal,
    expected: (p, v) => okIf(readable(p, v)),
    run: (c) => c.ask("reaction:users", { room: c.room, id: c.firstMessage.id, emoji: "👍" }),
  },
  {
    name: "members:list",
    covers: "members:list",
    refusal: readerRefusal,
    expected: (p, v) => okIf(readable(p, v)),
    run: (c) => c.ask("members:list", { room: c.room }),
  },
  {
    name: "notifications:set (a level names the room: readers only)",
    covers: "notifications:set",
    refusal: readerRefusal,
    expected: (p, v) => okIf(readable(p, v)),
    run: (c) => c.ask("notifications:set", { room: c.room, level: "all" }),
  },
  {
    name: "read:mark (guests keep theirs in the browser)",
    covers: "read:mark",
    refusal: (p, v) => (p === "guest" ? undefined : readerRefusal(p, v)),
    expected: (p, v) => (p === "guest" ? "forbidden" : okIf(readable(p, v))),
    run: (c) => c.ask("read:mark", { room: c.room, seq: 1 }),
  },
  {
    name: "message:send (from the connection as set up)",
    covers: "message:send",
    refusal: (p, v) => (p === "muted" ? undefined : readerRefusal(p, v)),
    expected: (p, v) => {
      if (!speaks(p, v)) return "forbidden";
      // A reader of a public room who never joined (or was kicked) must join first.
      return subscribed(p, v) ? "ok" : "not_joined";
    },
    run: (c) =>
      c.ask("message:send", {
        room: c.room,
        text: `from ${c.persona}`,
        clientId: `send-${c.persona}-${c.visibility}`,
      }),
  },
  {
    name: "message:edit of one's own message",
    covers: "message:edit",
    refusal: (p, v) => (p === "muted" ? undefined : readerRefusal(p, v)),
    expected: (p, v) => okIf(speaks(p, v)),
    run: async (c) => {
      const mine = await c.ownMessage();
      return c.ask("message:edit", { room: c.room, id: mine.id, text: "edited" });
    },
  },
  {
    name: "message:delete of someone else's message",
    covers: "message:delete",
    expected: (p, v) => okIf(moderates(p, v)),
    run: async (c) => {
      const theirs = await c.othersMessage();
      return c.ask("message:delete", { room: c.room, id: theirs.id });
    },
  },
  {
    name: "reaction:add",
    covers: "reaction:add",
    refusal: (p, v) => (p === "muted" ? undefined : readerRefusal(p, v)),
    expected: (p, v) => okIf(speaks(p, v)),
    run: (c) => c.ask("reaction:add", { room: c.room, id: c.firstMessage.id, emoji: "👍" }),
  },
  {
    name: "reaction:remove",
    covers: "reaction:remove",
    refusal: (p, v) => (p === "muted" ? undefined : readerRefusal(p, v)),
    expected: (p, v) => okIf(speaks(p, v)),
    run: (c) => c.ask("reaction:remove", { room: c.room, id: c.firstMessage.id, emoji: "🎉" }),
  },
  {
    name: "room:create of the room's name (taken, whatever one may see of it)",
    covers: "room:create",
    expected: () => "room_exists",
    run: (c) => c.ask("room:create", { room: c.room, visibility: "public" }),
  },
  {
    name: "room:update of the topic",
    covers: "room:update",
    expected: (p, v) => okIf(owns(p, v)),
    run: (c) => c.ask("room:update", { room: c.room, topic: `set by ${c.persona}` }),
  },
  {
    name: "room:delete (of a room made for the cell)",
    covers: "room:delete",
    expected: (p, v) => okIf(owns(p, v)),
    run: async (c) => c.ask("room:delete", { room: await c.roomOfItsOwn() }),
  },
  {
    name: "room:claim of a room that has an owner",
    covers: "room:claim",
    expected: () => "forbidden",
    run: (c) => c.ask("room:claim", { room: c.room }),
  },
  {
    name: "member:add of a new person",
    covers: "member:add",
    expected: (p, v) => okIf(moderates(p, v)),
    run: async (c) => c.ask("member:add", { room: c.room, userId: await c.target("none") }),
  },
  {
    name: "member:kick of a member",
    covers: "member:kick",
    expected: (p, v) => okIf(moderates(p, v)),
    run: async (c) => c.ask("member:kick", { room: c.room, userId: await c.target("member") }),
  },
  {
    name: "member:ban of a member",
    covers: "member:ban",
    expected: (p, v) => okIf(moderates(p, v)),
    run: async (c) => c.ask("member:ban", { room: c.room, userId: await c.target("member") }),
  },
  {
    name: "member:unban of a banned person",
    covers: "member:unban",
    expected: (p, v) => okIf(moderates(p, v)),
    run: async (c) => c.ask("member:unban", { room: c.room, userId: await c.target("banned") }),
  },
  {
    name: "member:mute of a member",
    covers: "member:mute",
    expected: (p, v) => okIf(moderates(p, v)),
    run: async (c) =>
      c.ask("member:mute", { room: c.room, userId: await c.target("member"), minutes: 5 }),
  },
  {
    name: "member:unmute of a muted member",
    covers: "member:unmute",
    expected: (p, v) => okIf(moderates(p, v)),
    run: async (c) => c.ask("member:unmute", { room: c.room, userId: await c.target("muted") }),
  },
  {
    name: "member:role making a member a moderator",
    covers: "member:role",
    expected: (p, v) => okIf(owns(p, v)),
    run: async (c) =>
      c.ask("member:role", { room: c.room, userId: await c.target("member"), role: "moderator" }),
  },
  {
    name: "invite:create",
    covers: "invite:create",
    expected: (p, v) => okIf(moderates(p, v)),
    run: (c) => c.ask("invite:create", { room: c.room, expiresInMinutes: 60 }),
  },
  {
    name: "invite:list",
    covers: "invite:list",
    expected: (p, v) => okIf(moderates(p, v)),
    run: (c) => c.ask("invite:list", { room: c.room }),
  },
  {
    name: "invite:revoke of the owner's invite",
    covers: "invite:revoke",
    expected: (p, v) => okIf(moderates(p, v)),
    run: async (c) => {
      const invite = await c.invite();
      return c.ask("invite:revoke", { room: c.room, id: invite?.id ?? "no-such-invite" });
    },
  },
  {
    name: "invite:accept of an invite to the room (direct: a forged token, none can be made)",
    covers: "invite:accept",
    freshRooms: true,
    expected: (p, v) => {
      if (v === "direct") return "not_found";
      return okIf(p !== "banned");
    },
    run: async (c) => {
      const invite = await c.invite();
      return c.ask("invite:accept", { token: invite?.token ?? FORGED_TOKEN });
    },
  },
  {
    name: "mentions:list holds a mention of the persona only where they may read now",
    covers: "mentions:list",
    expected: (p, v) => (readable(p, v) ? "listed" : "not listed"),
    run: async (c) => c.mentionsListed((await c.mentionOfPersona()).id),
  },
  {
    name: "audit:list",
    covers: "audit:list",
    expected: (p, v) => okIf(owns(p, v)),
    run: (c) => c.ask("audit:list", { room: c.room }),
  },
  {
    name: "search in the room (the request's room)",
    covers: "search",
    refusal: readerRefusal,
    expected: (p, v) => okIf(readable(p, v)),
    run: (c) => c.ask("search", { query: "first", room: c.room }),
  },
  {
    name: "search everywhere finds the room's messages (in: names it, and asks nothing of it first)",
    covers: "search",
    expected: (p, v) => (readable(p, v) ? "listed" : "not listed"),
    run: async (c) => {
      const answer = await answerOf(c.socket, "search", { query: `in:${c.room}`, limit: 5 });
      if (!answer.ok) throw new Error(`search was refused: ${JSON.stringify(answer.error)}`);
      return answer.results.some((hit) => hit.message.room === c.room) ? "listed" : "not listed";
    },
  },
  {
    name: "typing:start, as heard by someone else in the room",
    covers: "typing:start",
    expected: (p, v) => (subscribed(p, v) && p !== "muted" ? "delivered" : "not delivered"),
    run: (c) =>
      c.delivered(
        c.witness.socket,
        "typing:started",
        async () => {
          (c.socket as unknown as { emit(e: string, p: unknown): void }).emit("typing:start", {
            room: c.room,
          });
          // The notice was handled before this answer comes back (one connection, in order).
          await c.ask("history:after", { room: "settle", after: 0, limit: 1 });
        },
        (payload) => isTypingBy(payload, c.room, c.user.id),
      ),
  },
  {
    name: "message:created live, to the connection as set up (removal unsubscribed it)",
    covers: "delivery",
    expected: (p, v) => (subscribed(p, v) ? "delivered" : "not delivered"),
    run: async (c) => {
      const text = `live to ${c.persona} in ${c.visibility}`;
      return c.delivered(
        c.socket,
        "message:created",
        async () => {
          const sent = await c.ownerAsk("message:send", {
            room: c.room,
            text,
            clientId: `live-${c.persona}-${c.visibility}`,
          });
          if (sent !== "ok") throw new Error(`the owner could not send: ${sent}`);
        },
        (payload) => (payload as ChatMessage).text === text,
      );
    },
  },
  {
    name: "message:created live, after the persona asks room:join on a new connection",
    covers: "delivery",
    freshRooms: true,
    expected: (p, v) => (readable(p, v) ? "delivered" : "not delivered"),
    run: async (c) => {
      const socket = await c.connectAgain();
      await c.askOn(socket, "room:join", { room: c.room });
      const text = `after join, to ${c.persona} in ${c.visibility}`;
      return c.delivered(
        socket,
        "message:created",
        async () => {
          const sent = await c.ownerAsk("message:send", {
            room: c.room,
            text,
            clientId: `join-live-${c.persona}-${c.visibility}`,
          });
          if (sent !== "ok") throw new Error(`the owner could not send: ${sent}`);
        },
        (payload) => (payload as ChatMessage).text === text,
      );
    },
  },
  {
    name: "member:changed live, to the connection as set up (direct: no one can change it but by leaving)",
    covers: "delivery",
    expected: (p, v) => {
      if (v === "direct") return "n/a";
      return subscribed(p, v) ? "delivered" : "not delivered";
    },
    run: async (c) => {
      if (c.visibility === "direct") return "n/a";
      let added = "";
      return c.delivered(
        c.socket,
        "member:changed",
        async () => {
          const userId = await c.target("none");
          added = userId;
          const answer = await c.ownerAsk("member:add", { room: c.room, userId });
          if (answer !== "ok") throw new Error(`the owner could not add a member: ${answer}`);
        },
        (payload) => (payload as { user?: User }).user?.id === added,
      );
    },
  },
  {
    name: "GET /api/rooms lists the room",
    covers: "http",
    expected: (p, v) => (readable(p, v) ? "listed" : "not listed"),
    run: async (c) => ((await c.listRooms()).includes(c.room) ? "listed" : "not listed"),
  },
  {
    name: "the room's page (PageRooms.access)",
    covers: "http",
    refusal: readerRefusal,
    expected: (p, v) => okIf(readable(p, v)),
    run: (c) => c.pageAccess(),
  },
  {
    // Last: a member leaving the direct room leaves it for good (the world's one direct room).
    name: "member:leave",
    covers: "member:leave",
    freshRooms: true,
    expected: (p, v) => okIf(memberOf(p, v)),
    run: (c) => c.ask("member:leave", { room: c.room }),
  },
];

/** A request's whole answer, for rows that look at what it holds. */
function answerOf<E extends RequestEvent>(
  socket: ChatClientSocket,
  event: E,
  payload: RequestOf<E>,
): Promise<Result<ResultOf<E>>> {
  const emitter = socket.timeout(10_000) as unknown as {
    emitWithAck(event: E, payload: RequestOf<E>): Promise<Result<ResultOf<E>>>;
  };
  return emitter.emitWithAck(event, payload);
}

function isTypingBy(payload: unknown, room: string, userId: string): boolean {
  const typing = payload as { room?: string; user?: { id?: string } };
  return typing.room === room && typing.user?.id === userId;
}

/**
 * Every request and notice, with the row that proves it or why none is needed
 * (the type makes a new request fail to compile until it is placed here).
 */
export const COVERAGE: Record<RequestEvent | NoticeEvent, string> = {
  "room:join": "row",
  "room:leave": "row",
  "message:send": "row",
  "message:edit": "row",
  "message:delete": "row",
  "reaction:add": "row",
  "reaction:remove": "row",
  "reaction:users": "row",
  "history:before": "row",
  "history:after": "row",
  "history:around": "row",
  "changes:after": "row",
  "read:mark": "row",
  "room:create": "row",
  "room:update": "row",
  "room:delete": "row",
  "room:claim": "row",
  "members:list": "row",
  "member:leave": "row",
  "member:add": "row",
  "member:kick": "row",
  "member:ban": "row",
  "member:unban": "row",
  "member:mute": "row",
  "member:unmute": "row",
  "member:role": "row",
  "invite:create": "row",
  "invite:list": "row",
  "invite:revoke": "row",
  "invite:accept": "row",
  "audit:list": "row",
  "mentions:list": "row",
  "typing:start": "row",
  "typing:stop": "relayed only after a typing:start the same connection had relayed",
  "user:rename": "about the person, not a room",
  "read:positions": "the person's own positions, in rooms they marked (read:mark's row)",
  "dm:open": "names a person, not a room (rooms-hostile.test.ts: squatted dm- names)",
  "users:find": "names people, not rooms",
  search: "row",
  "notifications:set": "row",
  "notifications:get":
    "the person's own levels, for rooms they could set them in (notifications:set's row)",
  "push:subscribe": "the person's own browser subscription, naming no room",
  "push:unsubscribe": "the person's own browser subscription, naming no room",
  "notifications:visibility": "the connection's own state, relayed to no one",
};
