import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * The Postgres that tests use: SCROLLBACK_TEST_POSTGRES_URL (set by .ci/run),
 * else the conventional local server. Tests that need it fail, not skip, when
 * it cannot be reached.
 */
export const TEST_POSTGRES_URL =
  process.env.SCROLLBACK_TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/test";

/** The URL of the same database with `search_path` set to one schema. */
export function urlWithSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("options", `-c search_path=${schema}`);
  return parsed.toString();
}

/**
 * A schema of its own for one test, so tests never see each other's rows;
 * `drop()` removes it with everything in it.
 */
export async function createTestSchema(
  baseUrl = TEST_POSTGRES_URL,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const schema = `sb_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `Postgres tests need a server at ${baseUrl} (set SCROLLBACK_TEST_POSTGRES_URL): ${(error as Error).message}`,
    );
  }
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return {
    name: schema,
    url: urlWithSchema(baseUrl, schema),
    async drop() {
      const cleaner = new pg.Client({ connectionString: baseUrl });
      await cleaner.connect();
      await cleaner.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await cleaner.end();
    },
  };
}
