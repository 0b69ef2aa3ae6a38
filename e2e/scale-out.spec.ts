import { randomBytes } from "node:crypto";
import { createTestSchema } from "../lib/server/testing/postgres";
import { TEST_REDIS_URL } from "../lib/server/testing/redis-process";
import { AppServer } from "./support/app-server";
import { ChatPage } from "./support/chat-page";
import { expect, test } from "./support/fixtures";
import { Nginx } from "./support/nginx";

/** Socket.IO connections an instance holds, read from its metrics (loopback may read them). */
async function connectedSockets(instance: AppServer): Promise<number> {
  const metrics = await (await fetch(`${instance.url}/metrics`)).text();
  const line = metrics.split("\n").find((l) => l.startsWith("scrollback_connected_sockets "));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

test("two people chat through nginx in front of two instances; one instance stops mid-conversation and both carry on", async ({
  browser,
}) => {
  test.setTimeout(120_000);
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
  const people: ChatPage[] = [];
  try {
    const room = "scale-out";
    /** Which instance holds each person, from the instances' own connection counts. */
    const placement = async () => Promise.all(instances.map(connectedSockets));

    await test.step("people arrive through nginx until both instances hold someone", async () => {
      for (let i = 0; i < 8; i++) {
        people.push(await ChatPage.open(browser, nginx.url, room));
        const [onFirst, onSecond] = await placement();
        if ((onFirst ?? 0) > 0 && (onSecond ?? 0) > 0) break;
      }
      const [onFirst, onSecond] = await placement();
      expect(onFirst, "someone on the first instance").toBeGreaterThan(0);
      expect(onSecond, "someone on the second instance").toBeGreaterThan(0);
    });
    // Which page is on which instance is not observable from the page; any two
    // people will do, since each instance holds at least one of the people here.
    const [ana, bea] = [people[0] as ChatPage, people.at(-1) as ChatPage];

    await test.step("they chat across the instances", async () => {
      await ana.send("hello from Ana");
      // Two people writing at once are stored in whichever order they arrive.
      await expect(ana.stored("hello from Ana")).toBeVisible();
      await bea.send("hello from Bea");
      for (const person of people) {
        await expect(person.stored("hello from Bea")).toBeVisible();
        expect(await person.texts()).toEqual(["hello from Ana", "hello from Bea"]);
      }
    });

    await test.step("the first instance stops with SIGTERM while they keep writing", async () => {
      const stopping = (instances[0] as AppServer).stop("SIGTERM");
      await ana.send("during the stop");
      await stopping;
      await bea.send("after the stop");
      await ana.send("Ana again");
    });

    await test.step("everyone reconnects without a reload and sees every message once, in one order", async () => {
      const sent = [
        "hello from Ana",
        "hello from Bea",
        "during the stop",
        "after the stop",
        "Ana again",
      ];
      const seen: string[][] = [];
      for (const person of people) {
        await person.expectConnected();
        for (const text of ["after the stop", "Ana again"]) {
          await expect(person.stored(text)).toBeVisible({ timeout: 30_000 });
        }
        await expect(person.messages()).toHaveCount(sent.length);
        seen.push(await person.texts());
      }
      const [first] = seen;
      // Each message once; everyone in the same (seq) order. Which of two people
      // writing while one of them reconnects is stored first is up to the race,
      // but each person's own messages keep the order they were written in.
      expect([...(first ?? [])].sort()).toEqual([...sent].sort());
      for (const texts of seen) expect(texts).toEqual(first);
      const anas = (first ?? []).filter((text) =>
        ["hello from Ana", "during the stop", "Ana again"].includes(text),
      );
      expect(anas).toEqual(["hello from Ana", "during the stop", "Ana again"]);
    });
  } finally {
    await Promise.all(people.map((person) => person.close()));
    await nginx.stop();
    await Promise.all(instances.map((instance) => instance.dispose()));
    await schema.drop();
  }
});
