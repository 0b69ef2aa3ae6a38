import { Server as HttpServer, type IncomingMessage } from "node:http";
import type { WebSocketServer } from "ws";
import { handshakeAuthSchema } from "../shared/protocol";
import { accountConnection, signInRequired } from "./accounts/account-handshake";
import type { ChatServerDeps } from "./chat-deps";
import type { IdentityClaim } from "./identity/identities";
import { identityCookieOf, shadowCookieRemovals } from "./identity/identity-cookie";
import { registerRenameHandler } from "./identity/rename-handler";
import { announceUser, renamedElsewhere, sessionOf } from "./identity/user-sessions";
import { registerMentionHandlers } from "./mentions/mention-handlers";
import { registerChangeHandlers } from "./messages/change-handlers";
import { registerMessageHandlers } from "./messages/message-handlers";
import { registerNotificationHandlers } from "./notifications/notification-handlers";
import { Notifier } from "./notifications/notifier";
import { type Presence, type PresenceOptions, trackPresence } from "./presence/presence";
import { registerTyping } from "./presence/typing";
import { registerReadHandlers } from "./reads/read-handlers";
import { registerDirectHandlers } from "./rooms/direct-handlers";
import { registerInviteHandlers } from "./rooms/invite-handlers";
import { registerMemberHandlers } from "./rooms/member-handlers";
import { Membership } from "./rooms/membership";
import { MembershipCache } from "./rooms/membership-cache";
import { syncMembership } from "./rooms/membership-sync";
import type { RoomContext } from "./rooms/room-context";
import { registerRoomHandlers } from "./rooms/room-handlers";
import { registerRoomSettingsHandlers } from "./rooms/room-settings-handlers";
import { DEFAULT_ROOMS_CONFIG } from "./rooms/rooms-config";
import { registerSearchHandlers } from "./search/search-handlers";
import { installDefences } from "./security/defences";
import { InFlight } from "./transport/in-flight";
import { connectionsIn } from "./transport/request-guards";
import { trackRequests } from "./transport/request-tracker";
import { socketLogger } from "./transport/socket-logger";
import {
  accountRoom,
  botTokenRoom,
  type ChatIo,
  type ChatSocket,
  sessionRoom,
  userRoom,
} from "./transport/socket-types";

export type ChatServer = {
  /** Who is online, derived from the connections. */
  presence: Pick<Presence, "onlineCounts">;
  /** Rooms and memberships as this instance knows them (its cache), for pages too. */
  membership: Membership;
  /** Tells people of messages: their tabs, and Web Push. */
  notifier: Notifier;
  /** Resolves once no request is being served (true), or when the time is up (false). */
  drain(timeoutMs: number): Promise<boolean>;
  inFlightRequests(): number;
  /** Disconnects every client and stops accepting new ones; the store stays open. */
  close(): Promise<void>;
};

/**
 * Wires the chat onto a Socket.IO server: identity on connect, then the
 * request handlers. Everything it needs is passed in, so tests build it on
 * port 0 with a temporary store and no Next.js.
 */
export function createChatServer(
  io: ChatIo,
  deps: ChatServerDeps,
  options: { presence?: PresenceOptions } = {},
): ChatServer {
  const { identities, logger } = deps;
  const presence = trackPresence(io, logger, options.presence);
  const defences = installDefences(io, deps.limits, logger, deps.servedHosts);
  const inFlight = new InFlight();
  const cache = new MembershipCache(deps.store);
  const membership = new Membership(
    io,
    deps.store,
    cache,
    syncMembership(io, cache),
    deps.rooms ?? DEFAULT_ROOMS_CONFIG,
  );
  const notifier = new Notifier(io, deps.store, membership, logger, deps.notifications);
  io.engine.on("connection_error", (error: { code?: number }) => {
    // Engine.IO's FORBIDDEN: a handshake refused by origin or per-address limits.
    if (error.code === 4) deps.metrics?.rateLimited("handshake");
  });

  const trustProxy = deps.limits?.trustProxy ?? false;
  clearShadowingCookies(io, trustProxy);

  // A rename made through another instance: this one's connections take the name too.
  io.on("user:renamed", (user) => renamedElsewhere(io, user));

  io.use((socket, next) => {
    const auth = handshakeAuthSchema.safeParse(socket.handshake.auth ?? {});
    const claim = {
      cookie: identityCookieOf(socket.request),
      token: auth.success ? auth.data.token : undefined,
      name: auth.success ? auth.data.name : undefined,
    };
    identify(socket, claim).then(next, (error: unknown) => {
      logger.error({ err: error }, "identity lookup failed");
      next(new Error("unavailable"));
    });
  });

  /** An account if the handshake proves one, else a guest — unless guests are off. */
  async function identify(socket: ChatSocket, claim: IdentityClaim): Promise<Error | undefined> {
    const { accounts } = deps;
    const signedIn = accounts
      ? await accountConnection(accounts, deps.store, socket.request, claim.token)
      : null;
    if (signedIn instanceof Error) return signedIn;
    if (signedIn) {
      socket.data.user = signedIn.user;
      socket.data.account = signedIn.account;
      socket.data.botToken = undefined;
      return undefined;
    }
    if (accounts && !accounts.guestAccess) return signInRequired();
    const { user, renamed, botToken } = await identities.resolve(claim);
    socket.data.user = user;
    socket.data.botToken = botToken;
    // auth.name renamed the user: their open connections take the name too.
    if (renamed) announceUser(io, user);
    return undefined;
  }

  io.on("connection", (socket: ChatSocket) => {
    const { user } = socket.data;
    // First, so it sees every answer, including the guards' refusals.
    trackRequests(socket, inFlight, deps.metrics);
    defences.guard(socket);
    socket.join(userRoom(user.id));
    const { account } = socket.data;
    if (account) {
      // Ending the session, or disabling the account, disconnects these on every instance.
      socket.join(accountRoom(account.accountId));
      if (account.sessionId) socket.join(sessionRoom(account.sessionId));
      if (account.botTokenId) socket.join(botTokenRoom(account.botTokenId));
    }
    socket.emit("session", sessionOf(socket));
    logger.debug({ socket: socket.id, user: user.id }, "connected");
    socket.once("disconnect", (reason) =>
      logger.debug({ socket: socket.id, user: user.id, reason }, "disconnected"),
    );
    const log = socketLogger(deps.logger, socket);
    const context: RoomContext = {
      io,
      socket,
      store: deps.store,
      limits: defences.chat,
      membership,
      logger: log,
      notifier,
      ...(deps.files ? { files: deps.files } : {}),
    };
    registerRoomHandlers(context);
    registerRoomSettingsHandlers(context);
    registerMemberHandlers(context);
    registerInviteHandlers(context);
    registerDirectHandlers(context);
    registerMessageHandlers(context, deps.metrics);
    registerChangeHandlers(context, deps.metrics);
    registerRenameHandler(io, socket, deps, defences.chat, log);
    registerReadHandlers(context);
    registerNotificationHandlers(
      context,
      notifier,
      deps.notifications?.allowLoopbackEndpoints ?? false,
    );
    registerMentionHandlers(context);
    registerSearchHandlers(context);
    registerTyping(
      socket,
      async (typist, room) => {
        const relays = await defences.chat.spend("typing", typist);
        if (!relays.allowed) return relays;
        return defences.chat.deliver(typist, connectionsIn(io, room));
      },
      async (typist, room) => (await membership.authorize(typist, "type", room)).decision.allowed,
    );
  });

  return {
    presence,
    membership,
    notifier,
    drain: (timeoutMs) => inFlight.whenIdle(timeoutMs),
    inFlightRequests: () => inFlight.size,
    async close() {
      presence.close();
      await notifier.close();
      defences.stop();
      await closeConnectionsGently(io);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        // io.close() closes the HTTP server too, whose callback would wait for
        // every keep-alive connection a browser holds; nothing is left to serve.
        if (io.httpServer instanceof HttpServer) io.httpServer.closeAllConnections();
      });
    },
  };
}

/**
 * A handshake carrying two identity cookies of one name believes neither (see
 * cookies.ts); its answer expires the planted ones, so that the next
 * connection from that browser is the person's own again.
 */
function clearShadowingCookies(io: ChatIo, trustProxy: boolean): void {
  const isWebSocket = (request: IncomingMessage) =>
    new URL(request.url ?? "/", "http://localhost").searchParams.get("transport") === "websocket";
  io.engine.on("initial_headers", (headers: Record<string, string | string[]>, request) => {
    if (isWebSocket(request)) return;
    const removals = shadowCookieRemovals(request, trustProxy);
    if (removals.length > 0) headers["set-cookie"] = removals;
  });
  // engine.io writes a WebSocket upgrade's extra headers one line per name,
  // joining a list with commas, which would merge the cookies into one; the
  // upgrade's own header list takes one line per cookie. engine.io makes a new
  // WebSocket server whenever the HTTP server starts listening, after which
  // this hooks the new one.
  const engine = io.engine as unknown as { ws?: WebSocketServer };
  const hooked = new WeakSet<WebSocketServer>();
  const hook = () => {
    const webSockets = engine.ws;
    if (!webSockets || hooked.has(webSockets)) return;
    hooked.add(webSockets);
    webSockets.on("headers", (lines: string[], request: IncomingMessage) => {
      if (new URL(request.url ?? "/", "http://localhost").searchParams.has("sid")) return;
      for (const removal of shadowCookieRemovals(request, trustProxy))
        lines.push(`Set-Cookie: ${removal}`);
    });
  };
  hook();
  io.httpServer?.on("listening", hook);
}

/** Long enough for queued frames to reach a client on a sane link; a stuck one is cut regardless. */
const FLUSH_TIMEOUT_MS = 2_000;

/**
 * Engine.IO's own close discards whatever is still queued for each client —
 * acks of the last requests among it. Closing each connection first lets the
 * queue go out; the client then sees its transport close and reconnects by
 * itself (through the load balancer, to another instance).
 */
async function closeConnectionsGently(io: ChatIo): Promise<void> {
  const connections = [...new Set([...io.of("/").sockets.values()].map((socket) => socket.conn))];
  if (connections.length === 0) return;
  const closed = connections.map(
    (connection) => new Promise<void>((resolve) => connection.once("close", () => resolve())),
  );
  for (const connection of connections) connection.close();
  await Promise.race([
    Promise.all(closed),
    new Promise((resolve) => setTimeout(resolve, FLUSH_TIMEOUT_MS)),
  ]);
}
