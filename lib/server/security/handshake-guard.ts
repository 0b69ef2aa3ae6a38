import { type IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger";
import { clipForLog, limitRepeats } from "../ops/log-guard";
import type { ChatIo } from "../transport/socket-types";
import { clientAddress } from "./client-address";
import { createConnectionLimiter, type Release } from "./connection-limiter";
import { type EngineSocket, sessionId } from "./engine-connection";
import { isOriginAllowed, originHeader, requestHost } from "./origin-policy";
import { createPenaltyBox, createRateLimiter } from "./rate-limiter";
import type { SecurityLimits } from "./security-config";
import type { ServedHosts } from "./served-hosts";

export type HandshakeGuard = {
  /** Open Engine.IO connections by id, for the slow-client sweep. */
  readonly connections: ReadonlyMap<string, EngineSocket>;
  /** Refuses new connections from the address of `request` for a while. */
  shutOut(request: IncomingMessage): void;
};

type GuardOptions = Pick<
  SecurityLimits,
  | "allowedOrigins"
  | "trustProxy"
  | "maxConnectionsPerIp"
  | "connectionsPerIpPerSecond"
  | "burstWindowMs"
  | "abuseBlockMs"
> & { servedHosts: ServedHosts };

/**
 * Refuses an Engine.IO request before engine.io handles it: 403 with
 * engine.io's own JSON shape over HTTP, and over a WebSocket upgrade the 400
 * engine.io answers every refused upgrade with.
 */
function refuse(request: IncomingMessage, response: unknown, reason: string): void {
  const body = JSON.stringify({ code: 4, message: reason });
  if (response instanceof ServerResponse) {
    response.writeHead(403, { "content-type": "application/json", connection: "close" });
    response.end(body);
    return;
  }
  const socket = request.socket;
  if (socket.writable)
    socket.write(
      `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  socket.destroy();
}

/**
 * Decides at the Engine.IO handshake, before any state exists for the client,
 * whether it may connect at all: a browser page of a foreign origin may not
 * (both transports: engine.io asks `allowRequest` for the polling handshake
 * and the WebSocket upgrade alike), nor an address that already holds its
 * share of connections, opens new ones faster than its rate (every connection
 * without a token is a new identity, so reconnecting must not be a way to a
 * fresh message budget) or was shut out for flooding. It also closes a
 * polling session whose request body is over the size limit, which engine.io
 * alone only answers with a 413.
 *
 * engine.io asks `allowRequest` only at the handshake; every later request
 * of a session (each long-polling GET and POST, the upgrade to WebSocket)
 * passes only its middleware. So the middleware checks, on every request,
 * that the request's host is one this server serves (DNS rebinding, see
 * served-hosts.ts), that it is not JSONP polling (`j=`: an answer a page of
 * any site can load as a script), and, once a session exists, its origin.
 */
export function installHandshakeGuard(
  io: ChatIo,
  options: GuardOptions,
  logger: Logger,
): HandshakeGuard {
  const engine = io.engine;
  // Every line below can be caused by a client, as often as it likes.
  const warnings = limitRepeats(logger);
  const limiter = createConnectionLimiter(options.maxConnectionsPerIp);
  // An office behind one NAT reconnecting after a restart arrives all at once:
  // the burst allows as many new connections as may be open together.
  const newConnections = createRateLimiter(
    {
      perSecond: options.connectionsPerIpPerSecond,
      burst: options.maxConnectionsPerIp,
      burstWindowMs: options.burstWindowMs,
    },
    "connections-per-ip",
  );
  // An address whose connection was cut off for flooding would otherwise be
  // back within milliseconds with a fresh connection and a fresh budget.
  const penalties = createPenaltyBox(options.abuseBlockMs, "abuse");
  // A slot is taken at the handshake; the engine socket created from that
  // request inherits it, and until then the TCP connection holds it.
  const pending = new WeakMap<IncomingMessage, Release>();
  const connections = new Map<string, EngineSocket>();

  const previous = engine.opts.allowRequest;
  engine.opts.allowRequest = (request, callback) => {
    const origin = originHeader(request);
    if (
      !isOriginAllowed(origin, requestHost(request, options.trustProxy), options.allowedOrigins)
    ) {
      warnings.warn({ origin: clipForLog(origin) }, "handshake refused: foreign origin");
      callback("origin not allowed", false);
      return;
    }
    const address = clientAddress(request, options.trustProxy);
    Promise.all([penalties.blockedForMs(address), newConnections.consume(address)]).then(
      ([blockedForMs, rate]) => {
        if (blockedForMs > 0) {
          logger.debug({ address, blockedForMs }, "handshake refused: address shut out");
          callback("this address is shut out for a while after flooding", false);
          return;
        }
        if (!rate.allowed) {
          logger.debug({ address }, "handshake refused: connecting too often from this address");
          callback("too many new connections from this address; retry later", false);
          return;
        }
        const release = limiter.acquire(address);
        if (!release) {
          warnings.warn(
            { address: clipForLog(address) },
            "handshake refused: too many connections from this address",
          );
          callback("too many connections from this address", false);
          return;
        }
        pending.set(request, release);
        request.socket.once("close", release);
        if (previous) previous(request, callback);
        else callback(null, true);
      },
      (error: unknown) => {
        logger.error({ err: error }, "connection rate limiter failed");
        callback("server error", false);
      },
    );
  };

  engine.on("connection", (connection: EngineSocket) => {
    const id = sessionId(connection);
    connections.set(id, connection);
    const release = pending.get(connection.request);
    pending.delete(connection.request);
    if (release) connection.request.socket.off("close", release);
    connection.once("close", () => {
      connections.delete(id);
      release?.();
    });
  });

  const maxBodyBytes = engine.opts.maxHttpBufferSize ?? Number.POSITIVE_INFINITY;
  engine.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    const query = new URLSearchParams((request.url ?? "").split("?")[1] ?? "");
    const sid = query.get("sid");
    if (!options.servedHosts.serves(requestHost(request, options.trustProxy))) {
      logger.debug("engine.io request refused: a host this server does not serve");
      refuse(request, response, "host not served");
      return;
    }
    if (query.has("j")) {
      logger.debug("engine.io request refused: JSONP polling");
      refuse(request, response, "JSONP polling is not supported");
      return;
    }
    // The handshake's origin is checked in allowRequest, where a refusal is counted.
    const origin = originHeader(request);
    if (
      sid &&
      !isOriginAllowed(origin, requestHost(request, options.trustProxy), options.allowedOrigins)
    ) {
      logger.debug({ sid: clipForLog(sid) }, "engine.io request refused: foreign origin");
      refuse(request, response, "origin not allowed");
      return;
    }
    if (request.method === "POST" && sid) {
      const declared = Number(request.headers["content-length"] ?? 0);
      if (declared > maxBodyBytes) {
        connections.get(sid)?.close(true);
        warnings.warn(
          { sid: clipForLog(sid), bytes: declared },
          "polling request over the size limit; closed",
        );
        response.writeHead(413, { connection: "close" }).end();
        return;
      }
      // A chunked body has no length to check up front: engine.io counts it as
      // it arrives and answers 413 past the limit, but leaves the session
      // open and the connection reading. Its 413 closes both here.
      response.once("finish", () => {
        if (response.statusCode !== 413) return;
        connections.get(sid)?.close(true);
        warnings.warn({ sid: clipForLog(sid) }, "polling request over the size limit; closed");
        request.socket.end();
      });
    }
    next();
  });

  // Polling responses carry user text; never let a browser sniff them as HTML.
  engine.on("headers", (headers: Record<string, string>) => {
    headers["X-Content-Type-Options"] = "nosniff";
  });

  return {
    connections,
    shutOut(request) {
      const address = clientAddress(request, options.trustProxy);
      warnings.warn(
        { address: clipForLog(address), forMs: options.abuseBlockMs },
        "address shut out after flooding",
      );
      penalties.block(address).catch((error: unknown) => {
        logger.error({ err: error }, "could not shut out an address");
      });
    },
  };
}
