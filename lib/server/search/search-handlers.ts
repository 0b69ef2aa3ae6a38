import type { SearchHit, SearchRequest } from "../../shared/protocol";
import { searchSchema } from "../../shared/protocol";
import { isEmptyQuery, parseSearchQuery } from "../../shared/search-query";
import { allowed, type RoomContext } from "../rooms/room-context";
import { HISTORY_REQUEST_BYTES } from "../security/history-budget";
import { pageBytes } from "../store/page-bytes";
import type { SearchInput } from "../store/types";
import { readWithinHistoryBudget, withMine } from "../transport/request-guards";
import { requestHandler } from "../transport/request-handler";
import { authorsNamed, searchRooms } from "./search-scope";

/** People one `from:` name may stand for: a prefix shared by more is too vague to mean all of them. */
const AUTHORS_PER_NAME = 20;
/**
 * Further store pages asked for when `can` refused hits of the first (a
 * public room the person is banned from, say), so that a page is not short
 * for no reason; bounded, so that a person banned from a busy room cannot
 * make one search read it all.
 */
const REFILLS = 3;

/**
 * `search`: validate → (the request's room must be readable) → within the
 * history budget, as the lists are → parse the query → the store searches
 * the rooms the person may list → every room of the hits is asked `can`
 * read, and hits from refused rooms are dropped → the messages as the
 * person sees them (`me` on their reactions).
 */
export function registerSearchHandlers(context: RoomContext): void {
  const { socket, limits, membership, logger } = context;

  socket.on(
    "search",
    requestHandler("search", searchSchema, logger, async (request, reply) => {
      if (request.room !== undefined) {
        const asked = await membership.authorize(socket, "read", request.room);
        if (!allowed(asked.decision, reply)) return;
      }
      await readWithinHistoryBudget(limits.history, socket, reply, async () => {
        const answer = await search(context, request);
        return {
          answer,
          bytes: HISTORY_REQUEST_BYTES + pageBytes(answer.results.map((hit) => hit.message)),
        };
      });
    }),
  );
}

async function search(
  context: RoomContext,
  request: Omit<SearchRequest, "limit"> & { limit: number },
): Promise<{ results: SearchHit[]; hasMore: boolean }> {
  const { socket, store, membership } = context;
  const query = parseSearchQuery(request.query);
  if (isEmptyQuery(query)) return { results: [], hasMore: false };
  const person = membership.person(socket);
  let authorIds: string[] | undefined;
  if (query.from.length > 0) {
    const named = await Promise.all(
      query.from.map(async (name) =>
        authorsNamed(name, await store.users.findByName(name, AUTHORS_PER_NAME)),
      ),
    );
    authorIds = [...new Set(named.flat())];
  }
  const rooms = searchRooms(request.room, query.in);
  const input: SearchInput = {
    query,
    viewer: { userId: person.userId, admin: person.admin },
    ...(rooms ? { rooms } : {}),
    ...(authorIds ? { authorIds } : {}),
    order: request.order ?? "newest",
    ...(request.before ? { before: request.before } : {}),
    limit: request.limit,
  };

  const readable = new Map<string, Promise<boolean>>();
  const mayRead = (room: string) => {
    let known = readable.get(room);
    if (!known) {
      known = membership.authorize(socket, "read", room).then((asked) => asked.decision.allowed);
      readable.set(room, known);
    }
    return known;
  };
  const results: SearchHit[] = [];
  let page = await store.messages.search(input);
  let cut = false;
  for (let refill = 0; ; refill++) {
    for (const [i, hit] of page.hits.entries()) {
      if (!(await mayRead(hit.message.room))) continue;
      results.push(hit);
      if (results.length === request.limit) {
        cut = i < page.hits.length - 1;
        break;
      }
    }
    if (results.length === request.limit || !page.hasMore || refill >= REFILLS) break;
    const last = page.hits.at(-1)?.message.id as string;
    page = await store.messages.search({ ...input, before: last });
  }
  // Without a hit there is no cursor to go on from: a page of refused hits ends the search.
  const hasMore = results.length > 0 && (cut || page.hasMore);
  return { results: await asReaderSees(context, results), hasMore };
}

/** The hits' messages with `me` on the reactions the person made, a query per room with any. */
async function asReaderSees(context: RoomContext, hits: SearchHit[]): Promise<SearchHit[]> {
  const userId = context.socket.data.user.id;
  const byRoom = new Map<string, SearchHit[]>();
  for (const hit of hits) {
    if (hit.message.reactions.length === 0) continue;
    byRoom.set(hit.message.room, [...(byRoom.get(hit.message.room) ?? []), hit]);
  }
  const own = new Map<string, string[]>();
  for (const [room, roomHits] of byRoom) {
    const mine = await context.store.messages.ownReactions(
      room,
      userId,
      roomHits.map((hit) => hit.message),
    );
    for (const [id, emoji] of mine) own.set(id, emoji);
  }
  return hits.map((hit) =>
    hit.message.reactions.length === 0
      ? hit
      : { ...hit, message: withMine(hit.message, own.get(hit.message.id) ?? []) },
  );
}
