import { afterEach, beforeEach } from "vitest";

/**
 * Fails the test during which an error escaped: a rejection nobody awaited,
 * or an exception thrown in a callback (an `expect` in a socket listener or a
 * timer). Left to Vitest, such an error is reported beside a run whose tests
 * all passed, naming only the test that "might" have caused it; here that
 * test fails, with the error.
 *
 * The listeners are on the process only while a test (and its own hooks) runs:
 * Vitest stands back whenever someone else listens, and takes over again
 * between tests and after the last one, so nothing that escapes then is lost.
 */
const escaped: unknown[] = [];
const record = (error: unknown) => {
  escaped.push(error);
};

beforeEach(() => {
  escaped.length = 0;
  process.on("unhandledRejection", record);
  process.on("uncaughtException", record);
});

afterEach(async () => {
  // Node reports an unhandled rejection only once the microtasks have run out.
  await new Promise((resolve) => setImmediate(resolve));
  process.off("unhandledRejection", record);
  process.off("uncaughtException", record);
  const errors = escaped.splice(0);
  if (errors.length === 0) return;
  const first = errors[0];
  const what = first instanceof Error ? `${first.name}: ${first.message}` : String(first);
  throw new AggregateError(
    errors,
    `${errors.length} error(s) escaped this test unhandled; the first: ${what}`,
    { cause: first },
  );
});
