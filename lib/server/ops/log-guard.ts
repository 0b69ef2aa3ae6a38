import type { Logger } from "../logger";

/**
 * Log lines a client can cause must not let that client write the log: a
 * header value is cut to a length fit for a line, and a warning that can
 * repeat (one per refused handshake, one per client cut off) is written a
 * few times per window and then counted, with one line at the end of the
 * window saying how many were left out.
 */

/** Longest client-supplied value a log line carries, in UTF-16 code units. */
export const MAX_LOGGED_VALUE_LENGTH = 200;

/** A client-supplied value (a header, a query parameter) as a log line may carry it. */
export function clipForLog(
  value: unknown,
  maxLength: number = MAX_LOGGED_VALUE_LENGTH,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = Array.isArray(value) ? value.join(", ") : String(value);
  if (text.length <= maxLength) return text;
  // Cut between code points, not inside a surrogate pair.
  let end = maxLength;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}

export type RepeatLimit = {
  /** Lines of one message written per window before the rest are only counted. */
  perWindow: number;
  windowMs: number;
};

export const DEFAULT_REPEAT_LIMIT: RepeatLimit = { perWindow: 5, windowMs: 10_000 };

export type RepeatedWarnings = {
  warn(fields: Record<string, unknown>, message: string): void;
};

type Window = { logged: number; suppressed: number; timer: NodeJS.Timeout };

/**
 * Warnings counted by their message (a fixed text in the code, so the
 * number of counters is bounded whatever clients send). The summary line
 * has the same message, "(n more suppressed)", and `suppressed: n`.
 */
export function limitRepeats(
  logger: Logger,
  limit: RepeatLimit = DEFAULT_REPEAT_LIMIT,
): RepeatedWarnings {
  const windows = new Map<string, Window>();
  const close = (message: string) => {
    const window = windows.get(message);
    windows.delete(message);
    if (window && window.suppressed > 0) {
      logger.warn(
        { suppressed: window.suppressed, windowMs: limit.windowMs },
        `${message} (${window.suppressed} more suppressed)`,
      );
    }
  };
  return {
    warn(fields, message) {
      let window = windows.get(message);
      if (!window) {
        const timer = setTimeout(() => close(message), limit.windowMs);
        timer.unref();
        window = { logged: 0, suppressed: 0, timer };
        windows.set(message, window);
      }
      if (window.logged < limit.perWindow) {
        window.logged++;
        logger.warn(fields, message);
      } else {
        window.suppressed++;
      }
    },
  };
}
