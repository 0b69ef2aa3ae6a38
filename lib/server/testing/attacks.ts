import { request as httpRequest } from "node:http";
import { connect as tcpConnect } from "node:net";
import type { ChatClientSocket } from "../../client/room-client";
import { type ErrorCode, isErrorCode } from "../../shared/errors";
import type { RawClient } from "./raw-client";

/** What an attacker sees come back: the precise outcome a hostile-input case asserts. */
export type Outcome =
  | { kind: "accepted" }
  | { kind: "error"; code: ErrorCode }
  /** No answer, and the connection still serves requests. */
  | { kind: "ignored" }
  /** The server closed this connection. */
  | { kind: "disconnected" }
  /** The handshake was refused with this HTTP status and, where the server gives one, reason. */
  | { kind: "refused"; status: number; reason?: string }
  /** Socket.IO refused to connect to a namespace; the connection stays. */
  | { kind: "namespace_refused" };

export const accepted: Outcome = { kind: "accepted" };
export const ignored: Outcome = { kind: "ignored" };
export const disconnected: Outcome = { kind: "disconnected" };
export const error = (code: ErrorCode): Outcome => ({ kind: "error", code });
export const refused = (status: number, reason?: string): Outcome =>
  reason === undefined ? { kind: "refused", status } : { kind: "refused", status, reason };

/** A refused Engine.IO handshake as an outcome: engine.io puts the reason in a JSON body. */
export function refusedHandshake(response: { status: number; body: string }): Outcome {
  if (response.status === 101 || response.status === 200) return accepted;
  try {
    const { message } = JSON.parse(response.body) as { message?: unknown };
    if (typeof message === "string") return refused(response.status, message);
  } catch {
    // engine.io answers a refused WebSocket upgrade in plain text
  }
  return refused(response.status, response.body);
}

/** How long to wait for an answer before calling a request ignored. */
export const NO_ANSWER_MS = 1_000;

/** An acknowledgement as an outcome; anything but a well-formed Result fails the test. */
export function fromAck(ack: unknown): Outcome {
  if (typeof ack === "object" && ack !== null && "ok" in ack) {
    if (ack.ok === true) return accepted;
    const code = (ack as { error?: { code?: unknown; message?: unknown } }).error?.code;
    const message = (ack as { error?: { message?: unknown } }).error?.message;
    if (ack.ok === false && isErrorCode(code) && typeof message === "string") return error(code);
  }
  throw new Error(`not a protocol result: ${JSON.stringify(ack)}`);
}

type UntypedEmitter = {
  emitWithAck(event: unknown, ...args: unknown[]): Promise<unknown>;
};

/** Emits anything with socket.io-client and reports what came of it. */
export async function observe(
  socket: ChatClientSocket,
  event: unknown,
  ...args: unknown[]
): Promise<Outcome> {
  const emitter = socket.timeout(NO_ANSWER_MS) as unknown as UntypedEmitter;
  try {
    return fromAck(await emitter.emitWithAck(event, ...args));
  } catch {
    return socket.connected ? ignored : disconnected;
  }
}

/**
 * What came of a raw frame: its acknowledgement if one was asked for, else
 * whether the server closed the connection, else whether the connection still
 * answers a harmless request (ignored) or has gone quiet.
 */
export async function outcomeOfRaw(raw: RawClient, ackId?: number): Promise<Outcome> {
  if (ackId !== undefined) {
    const ack = await raw.ack(ackId, NO_ANSWER_MS);
    if (ack !== "no-ack") return fromAck(ack);
  }
  if (await raw.closesWithin(ackId === undefined ? NO_ANSWER_MS : 200)) return disconnected;
  const probe = await raw.emitWithAck("history:after", { room: "lab", after: 0 });
  if (probe === "no-ack") return raw.isOpen ? { kind: "ignored" } : disconnected;
  fromAck(probe);
  return ignored;
}

/** A plain HTTP GET with chosen headers (fetch would not let us set Origin). */
export function httpGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** An HTTP POST of `body`, e.g. a polling frame. */
export function httpPost(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: "POST",
        agent: false,
        headers: {
          ...headers,
          "content-type": "text/plain;charset=UTF-8",
          "content-length": String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * An HTTP POST whose body has no declared length (`Transfer-Encoding:
 * chunked`), written in pieces, as a client streaming a body would.
 */
export function httpPostChunked(
  url: string,
  chunks: string[],
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: "POST",
        agent: false,
        headers: { ...headers, "content-type": "text/plain;charset=UTF-8" },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    // The server may stop reading and close once it has answered.
    req.on("error", (error) => {
      if (!("code" in error) || error.code !== "ECONNRESET") reject(error);
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/**
 * Opens a TCP connection, writes `bytes` (possibly nothing) and reports when
 * and how the server ended it: what it answered, after how long.
 */
export function idleTcp(
  port: number,
  bytes: string,
  giveUpMs: number,
): Promise<{ closedAfterMs: number | null; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = "";
    const socket = tcpConnect(port, "127.0.0.1", () => {
      if (bytes) socket.write(bytes);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedAfterMs: null, answer });
    }, giveUpMs);
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: Date.now() - started, answer });
    });
  });
}

/** Resolves when `check` returns true, or rejects after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
