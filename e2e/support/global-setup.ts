import { unreachableServices } from "../../lib/server/testing/test-services";

/**
 * The scale-out specs run two instances on Postgres and Redis: check both once,
 * before any browser starts, and stop with one line per missing service
 * instead of a failure per spec.
 */
export default async function checkTestServices(): Promise<void> {
  const missing = await unreachableServices();
  if (missing.length === 0) return;
  const error = new Error(missing.join("\n"));
  error.stack = error.message;
  throw error;
}
