import { type ChatMessage, mentionsListSchema } from "../../shared/protocol";
import type { RoomContext } from "../rooms/room-context";
import { pageBytes } from "../store/page-bytes";
import { readWithinHistoryBudget } from "../transport/request-guards";
import { requestHandler } from "../transport/request-handler";

/**
 * Store pages read for one answer at most: a person removed from a room
 * where they were named often finds their page filled from the others
 * (those rooms' mentions are skipped), yet no request reads without end.
 */
export const MAX_MENTION_PAGES_READ = 5;

/**
 * `mentions:list`: the messages that name the asker now, newest first,
 * paged by message id — only from rooms they may read now, each room asked
 * of `membership.authorize(socket, "read", room)` (once per room per
 * answer, from the membership cache), within the history budget like every
 * list of messages. Messages come in their current state (an edit that
 * dropped the name, or a delete, took them off the list); reactions carry
 * no `me` here.
 */
export function registerMentionHandlers(context: RoomContext): void {
  const { socket, store, limits, membership, logger } = context;

  socket.on(
    "mentions:list",
    requestHandler(
      "mentions:list",
      mentionsListSchema,
      logger,
      async ({ before, limit }, reply) => {
        await readWithinHistoryBudget(limits.history, socket, reply, async () => {
          const readable = new Map<string, boolean>();
          const mayRead = async (room: string) => {
            let allowed = readable.get(room);
            if (allowed === undefined) {
              allowed = (await membership.authorize(socket, "read", room)).decision.allowed;
              readable.set(room, allowed);
            }
            return allowed;
          };
          const shown: ChatMessage[] = [];
          let cursor = before;
          let hasMore = true;
          for (let read = 0; read < MAX_MENTION_PAGES_READ && hasMore; read++) {
            const page = await store.messages.mentionsOf(socket.data.user.id, cursor, limit);
            hasMore = page.hasMore;
            for (const [i, message] of page.messages.entries()) {
              cursor = message.id;
              if (!(await mayRead(message.room))) continue;
              shown.push(message);
              if (shown.length === limit) {
                hasMore = hasMore || i < page.messages.length - 1;
                break;
              }
            }
            if (shown.length === limit) break;
          }
          return { answer: { messages: shown, hasMore }, bytes: pageBytes(shown) };
        });
      },
    ),
  );
}
