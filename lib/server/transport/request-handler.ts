import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { fail, type ProtocolError } from "../../shared/errors";
import type { RequestEvent, Result, ResultOf } from "../../shared/protocol";
import { toProtocolError } from "../../shared/protocol";
import type { Logger } from "../logger";
import { ChangeRefusedError, RoomExistsError, StoreUnavailableError } from "../store/types";

/** What each refusal of the store's change rules tells the client. */
const REFUSALS: Record<ChangeRefusedError["code"], string> = {
  not_found: "There is no such message in that room.",
  forbidden: "Only its author may change this message (and a moderator remove it).",
  reaction_limit: "This message already carries as many different emoji as a message may.",
  invalid_attachment: "That file is not one of your finished uploads, or it is already attached.",
};

export type Reply<R extends object> = (result: Result<R>) => void;

/** The listeners made by requestHandler: events with one of them are requests that will be answered. */
const requestListeners = new WeakSet<object>();

/** Whether `listener` answers every call of its event exactly once (it was made by requestHandler). */
export function answersEveryRequest(listener: unknown): boolean {
  return typeof listener === "function" && requestListeners.has(listener);
}

/**
 * Turns a client request into a typed, validated call: the payload is parsed
 * with its schema before `work` sees it, the acknowledgement is sent once, and
 * an exception becomes `unavailable` or a generic `internal` error whose
 * details stay in the server log under a reference the client can quote.
 */
export function requestHandler<E extends RequestEvent, S extends z.ZodType>(
  event: E,
  schema: S,
  /** Called only when there is something to log: most connections never need their own logger. */
  logger: () => Logger,
  work: (request: z.output<S>, reply: Reply<ResultOf<E>>) => Promise<void>,
): (...args: unknown[]) => void {
  const listener = (...args: unknown[]) => {
    const last = args.at(-1);
    const ack = typeof last === "function" ? (last as (result: unknown) => void) : undefined;
    const payload = typeof args[0] === "function" ? undefined : args[0];
    let replied = false;
    const reply: Reply<ResultOf<E>> = (result) => {
      if (replied) return;
      replied = true;
      ack?.(result);
    };

    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const error = toProtocolError(parsed.error);
      reply(fail(error.code, error.message));
      return;
    }
    work(parsed.data, reply).catch((error: unknown) => {
      reply(toFailure(event, error, logger()));
    });
  };
  requestListeners.add(listener);
  return listener;
}

function toFailure(
  event: string,
  error: unknown,
  logger: Logger,
): { ok: false; error: ProtocolError } {
  if (error instanceof ChangeRefusedError) return fail(error.code, REFUSALS[error.code]);
  // Two requests made the same room at once; the handlers answer their own race, this is the rest.
  if (error instanceof RoomExistsError)
    return fail("room_exists", "A room of that name already exists.");
  if (error instanceof StoreUnavailableError) {
    // Storage faults are logged where the store's health changes, once, not per request.
    logger.debug({ event, err: error }, "database unavailable");
    return fail(
      "unavailable",
      "The message store is unavailable; try again shortly.",
      error.retryAfterMs,
    );
  }
  const ref = randomUUID().slice(0, 8);
  logger.error({ event, ref, err: error }, "request failed");
  return fail("internal", `Something went wrong on the server (ref ${ref}).`);
}
