import type { ErrorCode } from "../shared/errors";
import type { Ok, RequestEvent, RequestOf, Result, ResultOf } from "../shared/protocol";
import { errorText, NO_ANSWER_TEXT, NOT_CONNECTED_TEXT } from "./error-text";
import { connectChatSocket, releaseChatSocket } from "./socket";
import { type ChatClientSocket, transportFor } from "./transport";

/** How long a page without a room waits for the socket before saying it is not connected. */
const CONNECT_WAIT_MS = 8_000;

function connected(socket: ChatClientSocket, waitMs: number): Promise<boolean> {
  if (socket.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.off("connect", onConnect);
      resolve(ok);
    };
    const onConnect = () => done(true);
    const timer = setTimeout(() => done(false), waitMs);
    socket.on("connect", onConnect);
  });
}

/** A request that failed, in words to show; `code` when the server answered. */
export type Refusal = { ok: false; text: string; code?: ErrorCode };

export function refusal(error: { code: ErrorCode; message: string }): Refusal {
  return { ok: false, text: errorText(error), code: error.code };
}

/**
 * One request made by a page that holds no room (the landing page's Create
 * room, the invite page's Join room): on the page's shared socket, opened
 * for it when no room holds it. A failure comes back as words to show.
 */
export async function requestOnce<E extends RequestEvent>(
  event: E,
  payload: RequestOf<E>,
): Promise<Ok<ResultOf<E>> | Refusal> {
  const socket = connectChatSocket();
  try {
    if (!(await connected(socket, CONNECT_WAIT_MS))) return { ok: false, text: NOT_CONNECTED_TEXT };
    const result = await transportFor(socket).request(event, payload);
    if (!result) return { ok: false, text: NO_ANSWER_TEXT };
    return result.ok ? result : refusal(result.error);
  } finally {
    releaseChatSocket(socket);
  }
}

/** Something that makes requests on the page's socket: a room's client, say. */
export type Requester = {
  request<E extends RequestEvent>(
    event: E,
    payload: RequestOf<E>,
  ): Promise<Result<ResultOf<E>> | null>;
};

/** A request of a room's tools, its failure in words. */
export async function ask<E extends RequestEvent>(
  requester: Requester | null,
  event: E,
  payload: RequestOf<E>,
): Promise<Ok<ResultOf<E>> | Refusal> {
  if (!requester) return { ok: false, text: NOT_CONNECTED_TEXT };
  const result = await requester.request(event, payload);
  if (!result) return { ok: false, text: NO_ANSWER_TEXT };
  return result.ok ? result : refusal(result.error);
}
