import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./support/fixtures";

// Cookie tossing (issue 12): a page on the same host at another port plants
// `scrollback_session=<the attacker's>; path=/socket.io`. Cookies are not kept
// apart by port, so the browser sends it to the chat too, before the person's
// own. It must not make the person chat as the attacker.

/** A page at another port of 127.0.0.1 that plants the given cookie value for /socket.io. */
async function tossingPage(value: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(
      `<!doctype html><title>elsewhere</title><script>document.cookie = ${JSON.stringify(
        `scrollback_session=${value}; path=/socket.io`,
      )}; document.title = "planted";</script>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

test("a cookie planted by a page on another port does not make the victim chat as the attacker", async ({
  app,
  person,
}) => {
  const attacker = await person("tossing");
  // A name no fresh identity can be given (those are "Adjective Animal", 650 of them):
  // the victim, who becomes a fresh identity below, must not share it by chance.
  const attackerName = "Mallory Attacker";
  await attacker.page.getByRole("button", { name: "Change name" }).click();
  const nameBox = attacker.page.getByRole("textbox", { name: "Display name" });
  await nameBox.fill(attackerName);
  await nameBox.press("Enter");
  await expect(attacker.page.getByTestId("my-name")).toHaveText(attackerName);
  const [attackerCookie] = (await attacker.context.cookies(app.url)).filter(
    (cookie) => cookie.name === "scrollback_session",
  );
  expect(attackerCookie).toBeDefined();
  const planted = await tossingPage(attackerCookie?.value ?? "");

  try {
    const victim = await person("tossing");
    const victimName = await victim.name();

    await test.step("the victim visits the other page, which plants the attacker's cookie", async () => {
      await victim.page.goto(planted.url);
      await expect(victim.page).toHaveTitle("planted");
      const ours = await victim.context.cookies(`${app.url}/socket.io/`);
      expect(ours.filter((cookie) => cookie.name === "scrollback_session")).toHaveLength(2);
    });

    await test.step("back in the chat, the victim is not the attacker", async () => {
      await victim.goto("tossing");
      expect(await victim.name()).not.toBe(attackerName);
      await victim.send("who am I?");
      await expect(attacker.message("who am I?")).not.toContainText(attackerName);
    });

    await test.step("the planted cookie was cleared: after a reload the victim is themselves again", async () => {
      const left = await victim.context.cookies(`${app.url}/socket.io/`);
      expect(left.filter((cookie) => cookie.name === "scrollback_session")).toHaveLength(1);
      await victim.goto("tossing");
      await expect(victim.page.getByTestId("my-name")).toHaveText(victimName);
    });
  } finally {
    await new Promise((resolve) => planted.server.close(resolve));
  }
});
