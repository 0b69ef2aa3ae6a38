import type { SecurityLimits } from "../../lib/server/security/security-config";
import { MAX_PAGE_SIZE } from "../../lib/shared/limits";
import type { NoticeEvent, RequestEvent } from "../../lib/shared/protocol";

/**
 * The flood matrix, as one table: a row per request and notice of the
 * protocol (and a variant where one request has two ways to hurt). Each row
 * says what an attacking connection sends and how fast: 90 % of the
 * tightest budget documented for it, per connection or per identity (every
 * connection is an identity of its own, and identities are free), so that
 * no connection is ever refused for its own sake — only what one address
 * does with many connections together can be. The CI test and the bench's
 * hostile scenario both run this table.
 */

/** The room every attacking connection joins, as a crowd would, and floods. */
export const LOBBY = "lobby";
/**
 * Where the bystanders chat, among themselves. Not in the lobby: a room of
 * two hundred makes every message cost two hundred deliveries, and what is
 * measured is what the flood does to someone else, not what a big room costs.
 */
export const CAFE = "cafe";
/** A room of long messages, for the rows that read history. */
export const ARCHIVE = "archive";

/**
 * The id the archive's message `seq` is seeded with: known in advance, so
 * that the rows that change or read one message can name it.
 */
export function archiveMessageId(seq: number): string {
  return `00000000-0000-7000-8000-${seq.toString(16).padStart(12, "0")}`;
}

/** How close to each budget the attackers go. */
export const BUDGET_SHARE = 0.9;

export type FloodContext = {
  limits: SecurityLimits;
  /** The archive's highest seq. */
  archiveLatestSeq: number;
};

/** One frame an attacking connection sends: a request (acknowledged) or a notice (not). */
export type FloodFrame = { event: RequestEvent | NoticeEvent; payload: unknown; ack: boolean };

export type FloodRow = {
  /** As the tables print it: the event, and the variant when there is more than one. */
  name: string;
  event: RequestEvent | NoticeEvent;
  /** What one such request makes the server do, for the reader of the table. */
  costs: string;
  /** Frames per second one connection sends. */
  perConnectionPerSecond(limits: SecurityLimits): number;
  /** The `n`-th frame (from 0) of attacking connection `connection`. */
  frame(connection: number, n: number, context: FloodContext): FloodFrame;
};

const request = (event: RequestEvent, payload: unknown): FloodFrame => ({
  event,
  payload,
  ack: true,
});
const notice = (event: NoticeEvent, payload: unknown): FloodFrame => ({
  event,
  payload,
  ack: false,
});

/** The share of the per-connection request budget, which every frame spends from. */
const eventPace = (limits: SecurityLimits) => BUDGET_SHARE * limits.eventsPerSecond;
/** The share of the tightest of the event budget and a per-identity budget of `perSecond`. */
const pace = (limits: SecurityLimits, perSecond: number) =>
  BUDGET_SHARE * Math.min(limits.eventsPerSecond, perSecond);
const perMinute = (n: number) => n / 60;
const perHour = (n: number) => n / 3600;

export const FLOOD_TABLE: readonly FloodRow[] = [
  {
    name: "room:join",
    event: "room:join",
    costs: "a subscription and a presence change, up to the room cap; then a page",
    perConnectionPerSecond: (limits) => pace(limits, perMinute(limits.joinsPerMinute)),
    frame: (c, n, { limits }) =>
      request("room:join", { room: `j${c}-${n % limits.maxRoomsPerConnection}` }),
  },
  {
    name: "room:join · long history",
    event: "room:join",
    costs: "a page of the longest messages",
    perConnectionPerSecond: eventPace,
    frame: () => request("room:join", { room: ARCHIVE, limit: MAX_PAGE_SIZE }),
  },
  {
    name: "room:leave",
    event: "room:leave",
    costs: "a presence change for everyone in the room (leave, join again, …)",
    perConnectionPerSecond: (limits) => pace(limits, perMinute(limits.joinsPerMinute)),
    frame: (_c, n) =>
      n % 2 === 0
        ? request("room:leave", { room: LOBBY })
        : request("room:join", { room: LOBBY, limit: 1 }),
  },
  {
    name: "message:send",
    event: "message:send",
    costs: "a durable write and a broadcast to the room",
    perConnectionPerSecond: (limits) => pace(limits, limits.messagesPerSecond),
    frame: (c, n) =>
      request("message:send", {
        room: LOBBY,
        text: `flood ${c}.${n} ${"spam ".repeat(16)}`,
        clientId: `f${c}-${n}`,
      }),
  },
  {
    name: "message:send · new rooms",
    event: "message:send",
    costs: "a new room (a row, and a place on the landing page) per message",
    // Every other frame is the join that the send needs first.
    perConnectionPerSecond: (limits) =>
      pace(
        limits,
        2 *
          Math.min(
            limits.messagesPerSecond,
            perHour(limits.roomsPerHour),
            perMinute(limits.joinsPerMinute),
          ),
      ),
    frame: (c, n) => {
      const room = `n${c}-${Math.floor(n / 2)}`;
      return n % 2 === 0
        ? request("room:join", { room, limit: 1 })
        : request("message:send", { room, text: `room ${room}`, clientId: `r${c}-${n}` });
    },
  },
  {
    name: "history:before",
    event: "history:before",
    costs: "a page read and sent",
    perConnectionPerSecond: eventPace,
    frame: (_c, _n, { archiveLatestSeq }) =>
      request("history:before", {
        room: ARCHIVE,
        before: archiveLatestSeq + 1,
        limit: MAX_PAGE_SIZE,
      }),
  },
  {
    name: "history:after",
    event: "history:after",
    costs: "a page read and sent",
    perConnectionPerSecond: eventPace,
    frame: (c, n, { archiveLatestSeq }) =>
      request("history:after", {
        room: ARCHIVE,
        after: (c * 37 + n * 11) % Math.max(1, archiveLatestSeq - MAX_PAGE_SIZE),
        limit: MAX_PAGE_SIZE,
      }),
  },
  {
    name: "history:around",
    event: "history:around",
    costs: "two half pages read and sent",
    perConnectionPerSecond: eventPace,
    frame: (c, n, { archiveLatestSeq }) =>
      request("history:around", {
        room: ARCHIVE,
        seq: 1 + ((c * 37 + n * 11) % archiveLatestSeq),
        limit: MAX_PAGE_SIZE,
      }),
  },
  {
    name: "changes:after",
    event: "changes:after",
    costs: "a page of the change log read and sent",
    perConnectionPerSecond: eventPace,
    frame: (c, n, { archiveLatestSeq }) =>
      request("changes:after", {
        room: ARCHIVE,
        after: (c * 37 + n * 11) % Math.max(1, archiveLatestSeq - MAX_PAGE_SIZE),
        limit: MAX_PAGE_SIZE,
      }),
  },
  {
    name: "reaction:add",
    event: "reaction:add",
    costs: "a durable write (a rev) and a broadcast to the room, per add or remove",
    // Adding and removing in turn, so that every frame changes something.
    perConnectionPerSecond: (limits) => pace(limits, limits.messagesPerSecond),
    frame: (c, n, { archiveLatestSeq }) =>
      request(n % 2 === 0 ? "reaction:add" : "reaction:remove", {
        room: ARCHIVE,
        id: archiveMessageId(1 + ((c * 7 + Math.floor(n / 2)) % archiveLatestSeq)),
        emoji: "👍",
      }),
  },
  {
    name: "message:edit",
    event: "message:edit",
    costs: "a read in the write queue (someone else's message: forbidden)",
    perConnectionPerSecond: (limits) => pace(limits, limits.messagesPerSecond),
    frame: (c, n, { archiveLatestSeq }) =>
      request("message:edit", {
        room: ARCHIVE,
        id: archiveMessageId(1 + ((c * 13 + n) % archiveLatestSeq)),
        text: `flood ${c}.${n}`,
      }),
  },
  {
    name: "message:delete",
    event: "message:delete",
    costs: "a read in the write queue (someone else's message: forbidden)",
    perConnectionPerSecond: (limits) => pace(limits, limits.messagesPerSecond),
    frame: (c, n, { archiveLatestSeq }) =>
      request("message:delete", {
        room: ARCHIVE,
        id: archiveMessageId(1 + ((c * 13 + n) % archiveLatestSeq)),
      }),
  },
  {
    name: "reaction:users",
    event: "reaction:users",
    costs: "a read of up to a hundred names",
    perConnectionPerSecond: eventPace,
    frame: (c, n, { archiveLatestSeq }) =>
      request("reaction:users", {
        room: ARCHIVE,
        id: archiveMessageId(1 + ((c * 13 + n) % archiveLatestSeq)),
        emoji: "👍",
      }),
  },
  {
    name: "user:rename",
    event: "user:rename",
    costs: "a durable write, a session to every tab, a presence change to every room",
    perConnectionPerSecond: (limits) => pace(limits, perMinute(limits.renamesPerMinute)),
    frame: (c, n) => request("user:rename", { name: `Flood ${c}.${n}` }),
  },
  {
    name: "typing:start",
    event: "typing:start",
    costs: "a relay to everyone in the room",
    perConnectionPerSecond: eventPace,
    frame: () => notice("typing:start", { room: LOBBY }),
  },
  {
    name: "typing:stop",
    event: "typing:stop",
    costs: "a relay to everyone in the room (start, stop, …)",
    // Relayed at most once a second, a start and its stop are two relays.
    perConnectionPerSecond: (limits) => pace(limits, perMinute(limits.typingPerMinute)),
    frame: (_c, n) => notice(n % 2 === 0 ? "typing:start" : "typing:stop", { room: LOBBY }),
  },
];

export function floodRow(name: string): FloodRow {
  const row = FLOOD_TABLE.find((r) => r.name === name);
  if (!row) throw new Error(`no flood row "${name}"`);
  return row;
}
