import { unreachableServices } from "./test-services";

/**
 * Runs once before any test file: without Postgres or Redis, dozens of
 * integration tests would each fail with the same stack. One line per missing
 * service says it once, before anything runs.
 */
export default async function checkTestServices(): Promise<void> {
  const missing = await unreachableServices();
  if (missing.length === 0) return;
  // Thrown, the error would come framed as an "Unhandled Error" after a
  // misleading "No test files found"; the lines alone are the whole story.
  for (const line of missing) console.error(`✖ ${line}`);
  process.exit(1);
}
