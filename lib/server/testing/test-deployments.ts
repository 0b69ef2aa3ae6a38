import { randomBytes } from "node:crypto";
import { PostgresStore } from "../store/postgres-store";
import { ChatTestServer, type ChatTestServerOptions, eventually } from "./chat-test-server";
import { createTestSchema } from "./postgres";
import { TEST_REDIS_URL } from "./redis-process";

/**
 * A whole deployment as a test sees it: one or more instances over one
 * store. Lets tests outside the server (the client's) run against each
 * engine without importing the stores themselves.
 */
export type TestDeployment = {
  name: string;
  servers: readonly ChatTestServer[];
  dispose(): Promise<void>;
};

/** `options`: the server's, e.g. accounts settings; the engine's own are the deployment's. */
export async function sqliteDeployment(
  options: ChatTestServerOptions = {},
): Promise<TestDeployment> {
  const server = await ChatTestServer.start(options);
  return { name: "SQLite", servers: [server], dispose: () => server.dispose() };
}

export async function postgresDeployment(
  options: ChatTestServerOptions = {},
): Promise<TestDeployment> {
  const schema = await createTestSchema();
  const server = await ChatTestServer.start({
    ...options,
    openStore: () => PostgresStore.open(schema.url),
    database: { engine: "postgres", url: schema.url },
  });
  return {
    name: "Postgres",
    servers: [server],
    async dispose() {
      await server.dispose();
      await schema.drop();
    },
  };
}

/** Two instances on one Postgres schema, fanning out through one Redis. */
export async function redisDeployment(
  options: ChatTestServerOptions = {},
): Promise<TestDeployment> {
  const schema = await createTestSchema();
  const prefix = `test-${randomBytes(4).toString("hex")}`;
  const start = () =>
    ChatTestServer.start({
      ...options,
      openStore: () => PostgresStore.open(schema.url),
      database: { engine: "postgres", url: schema.url },
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
    });
  const servers = await Promise.all([start(), start()]);
  await eventually(() => {
    for (const server of servers)
      if (!server.app.redis?.isReady()) throw new Error("Redis not ready");
  });
  return {
    name: "two instances on Redis",
    servers,
    async dispose() {
      await Promise.all(servers.map((server) => server.dispose()));
      await schema.drop();
    },
  };
}
