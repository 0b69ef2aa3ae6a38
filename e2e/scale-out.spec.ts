import type { AppServer } from "./support/app-server";
import type { ChatPage } from "./support/chat-page";
import { Deployment } from "./support/deployment";
import { expect, test } from "./support/fixtures";

test("two people chat through nginx in front of two instances; one instance stops mid-conversation and both carry on", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const deployment = await Deployment.start();
  try {
    const room = "scale-out";
    const people =
      await test.step("people arrive through nginx until both instances hold someone", () =>
        deployment.peopleOnEveryInstance(browser, room));
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
      const stopping = (deployment.instances[0] as AppServer).stop("SIGTERM");
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
    await deployment.dispose();
  }
});
