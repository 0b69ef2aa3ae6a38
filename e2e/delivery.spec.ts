import { ChatBot } from "./support/bot";
import { expect, test } from "./support/fixtures";

// Delivery you can trust (issue 3): the tab under test reaches the server
// through `link`, a TCP relay that the test cuts and restores; everyone else
// connects directly. Nothing here mocks a socket.

/** Long enough for a reconnect after backoff, or a server restart, on a busy machine. */
const RECOVERY = { timeout: 30_000 };

const numbered = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);

test("a tab whose link drops while others keep talking shows every missed message, once each, in order, without a reload", async ({
  app,
  link,
  person,
}) => {
  test.slow();
  const room = "missed";
  const reader = await person(room, { through: link });
  const writer = await person(room);

  await writer.send("before the drop");
  await expect(reader.stored("before the drop")).toBeVisible();
  // Survives only as long as this document does: a reload would lose it.
  await reader.page.evaluate(() => {
    document.documentElement.dataset.sameDocument = "yes";
  });

  await test.step("the link drops", async () => {
    link.cut();
    await reader.expectReconnecting();
  });

  const byWriter = numbered("while you were away", 3);
  // More than one page of history, so that catching up takes several requests.
  const byBot = numbered("bot line", 205);
  await test.step("others keep talking", async () => {
    for (const text of byWriter) {
      await writer.send(text);
      await expect(writer.stored(text)).toBeVisible();
    }
    const bot = await ChatBot.join(app.url, room);
    await bot.say(byBot);
    bot.close();
    await expect(reader.messages()).toHaveCount(1);
  });

  await test.step("the link returns: every missed message appears, once each, in order", async () => {
    link.restore();
    await reader.expectConnected(RECOVERY);
    await expect
      .poll(() => reader.texts(), RECOVERY)
      .toEqual(["before the drop", ...byWriter, ...byBot]);
    await expect(reader.page.locator("html")).toHaveAttribute("data-same-document", "yes");
  });
});

test("a message written while the link is down shows as pending, is delivered once when it returns, and is seen once by the other person", async ({
  link,
  person,
}) => {
  const room = "offline";
  const author = await person(room, { through: link });
  const other = await person(room);

  await test.step("the link drops: the status says so", async () => {
    link.cut();
    await author.expectReconnecting();
  });

  await test.step("written while down: shown at once as pending, counted as waiting", async () => {
    await author.send("written offline");
    await expect(author.pending("written offline")).toBeVisible();
    await expect(author.pending("written offline")).toContainText("Sending…");
    await author.expectReconnecting(1);
    await author.send("and a second one");
    await author.expectReconnecting(2);
    expect(await author.texts()).toEqual(["written offline", "and a second one"]);
    await expect(other.messages()).toHaveCount(0);
  });

  await test.step("the link returns: delivered once, in order, for both", async () => {
    link.restore();
    await author.expectConnected(RECOVERY);
    for (const chat of [author, other]) {
      await expect(chat.stored("written offline")).toHaveCount(1, RECOVERY);
      await expect(chat.stored("and a second one")).toHaveCount(1, RECOVERY);
      await expect(chat.messages()).toHaveCount(2);
      expect(await chat.texts()).toEqual(["written offline", "and a second one"]);
    }
    await expect(author.pending("written offline")).toHaveCount(0);
  });
});

test("open tabs carry on across server restarts, including a message sent while the server was down", async ({
  app,
  person,
}) => {
  test.slow();
  const room = "restarts";
  const ana = await person(room);
  const bea = await person(room);

  await ana.send("before the restart");
  await expect(bea.stored("before the restart")).toBeVisible();

  await test.step("a graceful restart: both tabs reconnect by themselves and keep talking", async () => {
    await app.restart();
    await ana.expectConnected(RECOVERY);
    await bea.expectConnected(RECOVERY);
    await bea.send("after the restart");
    await expect(ana.stored("after the restart")).toBeVisible(RECOVERY);
  });

  await test.step("a crash: a message written while the server is down waits as pending", async () => {
    await app.stop("SIGKILL");
    await ana.expectReconnecting();
    await bea.expectReconnecting();
    await ana.send("while the server was down");
    await expect(ana.pending("while the server was down")).toBeVisible();
    await ana.expectReconnecting(1);
  });

  await test.step("the server is back: delivered once, seen once by both", async () => {
    await app.start();
    await ana.expectConnected(RECOVERY);
    await bea.expectConnected(RECOVERY);
    const expected = ["before the restart", "after the restart", "while the server was down"];
    for (const chat of [ana, bea]) {
      await expect(chat.stored("while the server was down")).toHaveCount(1, RECOVERY);
      await expect.poll(() => chat.texts(), RECOVERY).toEqual(expected);
    }
    await bea.send("and on we go");
    await expect(ana.stored("and on we go")).toBeVisible(RECOVERY);
  });
});

test("reloading shows each message once; a pending message survives a reload and is delivered once", async ({
  link,
  person,
}) => {
  const room = "reloads";
  const author = await person(room, { through: link });
  const other = await person(room);

  await test.step("a reload shows each message once", async () => {
    await author.send("one");
    await other.send("two");
    await expect(author.stored("two")).toBeVisible();
    await author.page.reload();
    await author.expectConnected();
    // The room's page arrives just after the shared socket says it is connected.
    await expect.poll(() => author.texts()).toEqual(["one", "two"]);
  });

  await test.step("written while the link is down, then the tab is reloaded while it is still down", async () => {
    link.cut();
    await author.expectReconnecting();
    await author.send("typed before the reload");
    await expect(author.pending("typed before the reload")).toBeVisible();
    // The reload fails (the link is down): the page that held the message is gone.
    await author.page.reload().catch(() => null);
    await expect(author.log).toHaveCount(0);
  });

  await test.step("the link returns and the room is opened again: delivered once", async () => {
    link.restore();
    await author.goto(room);
    await expect(author.stored("typed before the reload")).toHaveCount(1, RECOVERY);
    await expect(author.pending("typed before the reload")).toHaveCount(0);
    expect(await author.texts()).toEqual(["one", "two", "typed before the reload"]);
    await expect(other.stored("typed before the reload")).toHaveCount(1, RECOVERY);
    expect(await other.texts()).toEqual(["one", "two", "typed before the reload"]);
  });
});

test("two tabs of one person share the outbox: a message written offline is delivered once", async ({
  link,
  person,
}) => {
  const room = "two-tabs";
  const first = await person(room, { through: link });
  const second = await first.newTab(room);
  const other = await person(room);

  link.cut();
  await first.expectReconnecting();
  await second.expectReconnecting();
  await first.send("from one of my tabs");
  // The other tab of the same person sees it waiting too, from the shared outbox.
  await expect(second.pending("from one of my tabs")).toBeVisible();
  await second.expectReconnecting(1);

  link.restore();
  // Both tabs send it when they reconnect; the server keeps one.
  for (const chat of [first, second, other]) {
    await expect(chat.stored("from one of my tabs")).toHaveCount(1, RECOVERY);
    await expect(chat.messages()).toHaveCount(1);
  }
});

test("a message the server refuses is shown as failed with its reason; Retry sends it again, Discard removes it", async ({
  link,
  person,
}) => {
  const room = "refused";
  const author = await person(room, { through: link });
  const other = await person(room);
  // The composer no longer lets it through; an earlier version's outbox can
  // still hold it, and the server's limit is what refuses it.
  const tooLong = `${"x".repeat(4000)}y`;
  // An error that resending may get past, unlike the length: Retry is offered.
  const internal = "refused once by a server in trouble";

  await test.step("refused: failed, with the reason and a way out", async () => {
    await author.leaveInOutbox(room, tooLong);
    const failed = author.failed(tooLong);
    await expect(failed).toBeVisible();
    await expect(failed).toContainText("Not sent");
    await expect(failed).toContainText("longer than 4000 characters");
    await expect(failed.getByRole("button", { name: "Edit" })).toBeVisible();
    await expect(failed.getByRole("button", { name: "Discard" })).toBeVisible();
    // A failure is not waiting: the status does not count it.
    await author.expectConnected();
  });

  await test.step("Retry queues it again: pending while the link is down, sent once it returns", async () => {
    await author.leaveInOutbox(room, internal, {
      code: "internal",
      message: "Something went wrong on the server (ref 0badc0de).",
    });
    link.cut();
    await author.expectReconnecting();
    await author.failed(internal).getByRole("button", { name: "Retry" }).click();
    await expect(author.pending(internal)).toBeVisible();
    await author.expectReconnecting(1);
    link.restore();
    await expect(author.stored(internal)).toHaveCount(1, RECOVERY);
    await author.expectConnected(RECOVERY);
    await expect(other.stored(internal)).toHaveCount(1, RECOVERY);
  });

  await test.step("Discard removes it, and it stays removed after a reload", async () => {
    await author.failed(tooLong).getByRole("button", { name: "Discard" }).click();
    await expect(author.failed(tooLong)).toHaveCount(0);
    await author.page.reload();
    await author.expectConnected();
    await author.send("a normal message");
    await expect(author.stored("a normal message")).toBeVisible();
    expect(await author.texts()).toEqual([internal, "a normal message"]);
    await expect(other.stored("a normal message")).toBeVisible();
    expect(await other.texts()).toEqual([internal, "a normal message"]);
  });
});
