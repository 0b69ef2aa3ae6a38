import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import type { Logger } from "../logger";
import type { ChatIo } from "../transport/socket-types";

export type RedisFanout = {
  /** Whether both Redis connections are up; cross-instance delivery works only then. */
  isReady(): boolean;
  close(): Promise<void>;
};

/** Reconnect quickly at first, then every couple of seconds, for as long as it takes. */
const reconnectDelay = (retries: number) => Math.min(100 * 2 ** retries, 2_000);

/**
 * Fans broadcasts out to every instance through Redis pub/sub with the official
 * @socket.io/redis-adapter. It publishes and delivers locally in one step, so a
 * Redis outage costs only cross-instance delivery — people on the other
 * instances catch up from the database when the next message reveals the gap.
 * (The Streams adapter awaits its XADD before delivering even locally, so an
 * outage would stall every room; docs/operations.md has the full reasoning.)
 */
export async function attachRedisFanout(
  io: ChatIo,
  url: string,
  channelPrefix: string,
  logger: Logger,
): Promise<RedisFanout> {
  const log = logger.child({ component: "redis" });
  // Publishes fail at once while disconnected instead of queueing without bound.
  const pub = createClient({
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: reconnectDelay },
  });
  const sub = pub.duplicate({ disableOfflineQueue: false });
  let lastError = "";
  for (const [role, client] of [
    ["pub", pub],
    ["sub", sub],
  ] as const) {
    client.on("error", (error: Error) => {
      // Logged once per distinct failure, not once per reconnect attempt.
      if (error.message !== lastError) log.warn({ role, err: error }, "redis connection error");
      lastError = error.message;
    });
    client.on("ready", () => {
      lastError = "";
      log.info({ role }, "redis connected");
    });
  }

  // The adapter publishes without handling the promise; a failed publish (Redis
  // down) must be a logged miss, not an unhandled rejection that ends the process.
  const safePub = new Proxy(pub, {
    get(target, property) {
      if (property === "publish") {
        return (...args: Parameters<typeof target.publish>) =>
          target.publish(...args).catch((error: Error) => {
            log.debug({ err: error }, "publish to redis failed");
            return 0;
          });
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

  // Startup does not wait for Redis: one instance keeps serving its own people without it.
  for (const client of [pub, sub]) client.connect().catch(() => {});
  // Instances of one deployment share a prefix; deployments sharing a Redis must not.
  io.adapter(createAdapter(safePub, sub, { key: channelPrefix }));

  return {
    isReady: () => pub.isReady && sub.isReady,
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
