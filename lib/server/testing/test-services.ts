import pg from "pg";
import { createClient } from "redis";
import { TEST_POSTGRES_URL } from "./postgres";
import { TEST_REDIS_URL } from "./redis-process";

/** How long a probe waits for a service before calling it unreachable. */
const PROBE_TIMEOUT_MS = 5_000;

/** A service the tests talk to, where they look for it, and how to tell it answers. */
export type TestService = {
  name: string;
  variable: string;
  url: string;
  probe(url: string): Promise<void>;
};

async function probePostgres(url: string): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => {
      // never connected: nothing to close
    });
  }
}

async function probeRedis(url: string): Promise<void> {
  const client = createClient({
    url,
    socket: { connectTimeout: PROBE_TIMEOUT_MS, reconnectStrategy: false },
  });
  // Reported by connect() itself; without a listener the client would also throw it.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** The services the unit + integration and browser tests need, with the variables that point at them. */
export const TEST_SERVICES: readonly TestService[] = [
  {
    name: "Postgres",
    variable: "SCROLLBACK_TEST_POSTGRES_URL",
    url: TEST_POSTGRES_URL,
    probe: probePostgres,
  },
  { name: "Redis", variable: "SCROLLBACK_TEST_REDIS_URL", url: TEST_REDIS_URL, probe: probeRedis },
];

/** One line for a service that did not answer: which one, where it was looked for, and how to point elsewhere. */
export function unreachableLine(service: TestService, error: unknown): string {
  const reason = (error instanceof Error ? error.message : String(error)) || "no answer";
  return `the tests need ${service.name} at ${service.url} (set ${service.variable} to use another): ${reason}`;
}

/** Probes every service at once; resolves with one line per service that did not answer. */
export async function unreachableServices(
  services: readonly TestService[] = TEST_SERVICES,
): Promise<string[]> {
  const results = await Promise.allSettled(services.map((service) => service.probe(service.url)));
  return results.flatMap((result, i) =>
    result.status === "rejected"
      ? [unreachableLine(services[i] as TestService, result.reason)]
      : [],
  );
}
