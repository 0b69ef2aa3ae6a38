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

test("behind nginx, with people on two instances, everyone sees everyone online and typing, and who leaves", async ({
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
    const room = "everywhere";
    await test.step("people arrive through nginx until both instances hold someone", async () => {
      for (let i = 0; i < 8; i++) {
        people.push(await ChatPage.open(browser, nginx.url, room));
        const counts = await Promise.all(instances.map(connectedSockets));
        if (counts.every((count) => count > 0)) break;
      }
      const counts = await Promise.all(instances.map(connectedSockets));
      expect(counts.every((count) => count > 0)).toBe(true);
    });
    // Each instance holds at least one of these people, so whatever each of
    // them sees of all the others includes someone on the other instance.
    const names = await Promise.all(people.map((person) => person.name()));

    await test.step("everyone lists everyone, once", async () => {
      for (const person of people) {
        await expect(person.online.getByRole("listitem")).toHaveCount(people.length);
        for (const name of names)
          await expect(person.online.getByRole("listitem").filter({ hasText: name })).toHaveCount(
            1,
          );
      }
    });

    const [typist, ...others] = people as [ChatPage, ...ChatPage[]];
    await test.step("someone's typing reaches everyone else", async () => {
      await typist.composer.pressSequentially("hello every");
      for (const person of others)
        await expect(person.typingLine()).toHaveText(`${names[0]} is typing…`);
      await typist.composer.press("Enter");
      for (const person of others) await expect(person.typingLine()).toHaveCount(0);
    });

    await test.step("the landing page counts everyone, wherever they are connected", async () => {
      const page = await (await browser.newContext({ baseURL: nginx.url })).newPage();
      await page.goto("/");
      await expect(page.getByRole("link", { name: /#everywhere/ })).toContainText(
        `${people.length} online`,
      );
      await page.context().close();
    });

    await test.step("someone who closes their browser leaves everyone's list", async () => {
      await typist.close();
      for (const person of others) {
        await expect(person.online.getByRole("listitem")).toHaveCount(people.length - 1);
        await expect(person.online.getByRole("listitem").filter({ hasText: names[0] })).toHaveCount(
          0,
        );
      }
    });
  } finally {
    await Promise.all(people.map((person) => person.close()));
    await nginx.stop();
    await Promise.all(instances.map((instance) => instance.dispose()));
    await schema.drop();
  }
});
