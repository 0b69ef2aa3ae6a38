import { randomBytes } from "node:crypto";
import { type Browser, expect } from "@playwright/test";
import { createTestSchema } from "../../lib/server/testing/postgres";
import { TEST_REDIS_URL } from "../../lib/server/testing/redis-process";
import { AppServer } from "./app-server";
import { ChatPage } from "./chat-page";
import { Nginx } from "./nginx";

/** Socket.IO connections an instance holds, read from its metrics (loopback may read them). */
async function connectedSockets(instance: AppServer): Promise<number> {
  const metrics = await (await fetch(`${instance.url}/metrics`)).text();
  const line = metrics.split("\n").find((l) => l.startsWith("scrollback_connected_sockets "));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

/**
 * Scrollback as operators scale it out: two production instances on one
 * Postgres schema and one Redis (a prefix of their own), same session secret,
 * behind nginx running deploy/nginx.conf.
 */
export class Deployment {
  private readonly people: ChatPage[] = [];

  private constructor(
    readonly instances: AppServer[],
    readonly nginx: Nginx,
    private readonly dropSchema: () => Promise<void>,
  ) {}

  static async start(): Promise<Deployment> {
    const schema = await createTestSchema();
    const shared = {
      DATABASE_URL: schema.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `e2e-${randomBytes(4).toString("hex")}`,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      TRUST_PROXY: "true",
    };
    const instances = [await AppServer.start(shared), await AppServer.start(shared)];
    const nginx = await Nginx.start(instances.map((instance) => instance.port));
    return new Deployment(instances, nginx, () => schema.drop());
  }

  get url(): string {
    return this.nginx.url;
  }

  /**
   * People open the room through nginx until each instance holds at least one
   * of them (nginx spreads them by their identity cookie), so anything all of
   * them see crosses instances.
   */
  async peopleOnEveryInstance(browser: Browser, room: string, atMost = 8): Promise<ChatPage[]> {
    const arrived: ChatPage[] = [];
    for (let i = 0; i < atMost; i++) {
      const person = await ChatPage.open(browser, this.url, room);
      arrived.push(person);
      this.people.push(person);
      const counts = await Promise.all(this.instances.map(connectedSockets));
      if (counts.every((count) => count > 0)) break;
    }
    const counts = await Promise.all(this.instances.map(connectedSockets));
    expect(
      counts.every((count) => count > 0),
      `people per instance: ${counts.join(", ")}`,
    ).toBe(true);
    return arrived;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.people.map((person) => person.close()));
    await this.nginx.stop();
    await Promise.all(this.instances.map((instance) => instance.dispose()));
    await this.dropSchema();
  }
}
