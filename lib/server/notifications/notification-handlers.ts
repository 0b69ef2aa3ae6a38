import { fail } from "../../shared/errors";
import {
  notificationsGetSchema,
  notificationsSetSchema,
  pushSubscribeSchema,
  pushUnsubscribeSchema,
  visibilitySchema,
} from "../../shared/protocol";
import { allowed, type RoomContext } from "../rooms/room-context";
import { withinBudget } from "../transport/request-guards";
import { requestHandler } from "../transport/request-handler";
import { userRoom } from "../transport/socket-types";
import type { Notifier } from "./notifier";
import { pushEndpointProblem } from "./push-endpoint";

const SETTINGS_SPENT = "You are changing notification settings too often; wait a moment.";

/**
 * A person's notification settings: levels per room (setting one asks `can`
 * to read the room — a level names the room, and a private room's name is
 * not for outsiders to confirm), push subscriptions (their endpoint checked
 * against SSRF, push-endpoint.ts), and the visibility notice each connection
 * keeps up to date. Settings spend from the reads budget, like read marks.
 */
export function registerNotificationHandlers(
  context: RoomContext,
  notifier: Notifier,
  allowLoopbackEndpoints: boolean,
): void {
  const { socket, store, limits, membership, logger } = context;

  socket.on("notifications:visibility", (payload: unknown) => {
    const parsed = visibilitySchema.safeParse(payload);
    if (parsed.success) socket.data.visible = parsed.data.visible;
  });

  socket.on(
    "notifications:get",
    requestHandler("notifications:get", notificationsGetSchema, logger, async (_request, reply) => {
      reply({
        ok: true,
        levels: await store.notifications.levels(socket.data.user.id),
        vapidPublicKey: notifier.vapidPublicKey,
      });
    }),
  );

  socket.on(
    "notifications:set",
    requestHandler(
      "notifications:set",
      notificationsSetSchema,
      logger,
      async ({ room, level }, reply) => {
        if (!allowed((await membership.authorize(socket, "read", room)).decision, reply)) return;
        if (!withinBudget(await limits.spend("reads", socket), reply, SETTINGS_SPENT)) return;
        await store.notifications.setLevel(socket.data.user.id, room, level);
        reply({ ok: true, room, level });
        // Every other device of the person shows the same level.
        socket.to(userRoom(socket.data.user.id)).emit("notifications:changed", { room, level });
      },
    ),
  );

  socket.on(
    "push:subscribe",
    requestHandler(
      "push:subscribe",
      pushSubscribeSchema,
      logger,
      async ({ endpoint, keys, previews }, reply) => {
        if (!notifier.vapidPublicKey) {
          reply(fail("unavailable", "This server does not send push notifications."));
          return;
        }
        const problem = pushEndpointProblem(endpoint, allowLoopbackEndpoints);
        if (problem) {
          reply(fail("invalid_payload", problem));
          return;
        }
        if (!withinBudget(await limits.spend("reads", socket), reply, SETTINGS_SPENT)) return;
        await store.notifications.subscribe({
          endpoint,
          userId: socket.data.user.id,
          p256dh: keys.p256dh,
          auth: keys.auth,
          previews,
        });
        reply({ ok: true, endpoint, previews });
      },
    ),
  );

  socket.on(
    "push:unsubscribe",
    requestHandler(
      "push:unsubscribe",
      pushUnsubscribeSchema,
      logger,
      async ({ endpoint }, reply) => {
        if (!withinBudget(await limits.spend("reads", socket), reply, SETTINGS_SPENT)) return;
        await store.notifications.unsubscribe(socket.data.user.id, endpoint);
        reply({ ok: true });
      },
    ),
  );
}
