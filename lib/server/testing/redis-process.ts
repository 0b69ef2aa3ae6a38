import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./server-process";

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * A Redis server of the test's own, on a free port, that the test may stop and
 * start again — the machine's shared Redis is never disturbed. Needs the
 * `redis-server` binary (present wherever the Redis tests run).
 */
export class RedisProcess {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    let spawnError: Error | undefined;
    child.once("error", (error) => {
      spawnError = error;
    });
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await accepting(this.port))) {
      if (spawnError) {
        throw new Error(`could not run redis-server (is it installed?): ${spawnError.message}`);
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `redis-server did not start on port ${this.port} (is redis-server installed?)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }
}

/**
 * The shared Redis that tests use: SCROLLBACK_TEST_REDIS_URL (set by .ci/run),
 * else the conventional local server. Each test gives its instances a prefix
 * of their own, so tests running side by side never hear each other.
 */
export const TEST_REDIS_URL = process.env.SCROLLBACK_TEST_REDIS_URL || "redis://127.0.0.1:6379";
