import { expectNoSevereViolations } from "./support/axe";
import { dropFile, pastePicture, pasteZeros, randomFile, throttleUploads } from "./support/files";
import { expect, test } from "./support/fixtures";

// Files and pictures (issue 17), as people use them: a screenshot pasted into
// the message box, its progress, its thumbnail in everyone's tab, opened full
// size and stepped through with the arrow keys; a file attached with the
// button whose upload survives a dropped link and arrives once.

test("a pasted picture shows its progress, then its thumbnail in both tabs, and opens full size", async ({
  person,
}) => {
  const room = "pictures";
  const ana = await person(room);
  const bea = await person(room);
  const progress = ana.page.getByRole("progressbar", { name: "first.png" });

  await test.step("pasting a picture uploads it with a progress bar", async () => {
    // Slow enough to watch the bar move: about a second and a half for this picture.
    const throttle = await throttleUploads(ana.page, 150_000);
    await pastePicture(ana.page, "first.png", { width: 220, height: 160 });
    await expect(progress).toBeVisible();
    await expect(ana.page.getByRole("button", { name: "Cancel first.png" })).toBeVisible();
    await expect
      .poll(async () => Number(await progress.getAttribute("aria-valuenow")))
      .toBeGreaterThan(0);
    // Sent while it uploads: the message waits in the outbox for its file.
    await ana.sendButton.click();
    await expect(ana.composer).toBeFocused();
    await throttle.lift();
  });

  await test.step("the thumbnail appears in both tabs, in a box of the picture's shape", async () => {
    for (const chat of [ana, bea]) {
      const thumb = chat.log.getByRole("img", { name: "first.png" });
      await expect(thumb).toBeVisible({ timeout: 20_000 });
      await expect(thumb).toHaveAttribute("width", "220");
      await expect(thumb).toHaveAttribute("height", "160");
      await expect
        .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
        .toBeGreaterThan(0);
    }
    await expect(bea.stored("").filter({ has: bea.page.getByAltText("first.png") })).toHaveCount(1);
  });

  await test.step("a second picture, sent with words", async () => {
    await pastePicture(ana.page, "second.png", { width: 90, height: 120 });
    await expect(ana.page.getByRole("button", { name: "Remove second.png" })).toBeVisible();
    await ana.composer.fill("and another");
    await ana.composer.press("Enter");
    await expect(bea.log.getByRole("img", { name: "second.png" })).toBeVisible({
      timeout: 20_000,
    });
    await expect(bea.said("and another")).toHaveCount(1);
  });

  const dialog = bea.page.getByRole("dialog");
  const opener = bea.log.getByRole("button", { name: "first.png" });
  await test.step("a click opens it full size; the arrow keys step through the room's pictures", async () => {
    await opener.click();
    await expect(dialog).toHaveAccessibleName("first.png");
    const full = dialog.getByRole("img", { name: "first.png" });
    await expect(full).toHaveAttribute("src", /size=preview/);
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    await expect(dialog.getByRole("link", { name: /Download original/ })).toHaveAttribute(
      "href",
      /\/api\/files\/[0-9a-f-]+\/first\.png$/,
    );
    await bea.page.keyboard.press("ArrowRight");
    await expect(dialog).toHaveAccessibleName("second.png");
    await bea.page.keyboard.press("ArrowRight");
    await expect(dialog).toHaveAccessibleName("second.png");
    await bea.page.keyboard.press("ArrowLeft");
    await expect(dialog).toHaveAccessibleName("first.png");
  });

  await test.step("axe finds nothing serious with the dialog open", async () => {
    await expectNoSevereViolations(bea.page, "image dialog");
  });

  await test.step("Escape closes it and gives the focus back to the thumbnail", async () => {
    await bea.page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(opener).toBeFocused();
  });
});

test("a file attached with the button survives a dropped link and arrives once", async ({
  person,
  link,
}) => {
  const room = "resume";
  const ana = await person(room, { through: link });
  const bea = await person(room);
  const name = "notes.bin";
  const progress = ana.page.getByRole("progressbar", { name });

  await test.step("a file dropped on the room becomes a chip; Remove takes it away", async () => {
    await dropFile(ana.page, "dropped.txt", async () => {
      await expect(ana.page.getByText("Drop files to attach them")).toBeVisible();
    });
    await expect(ana.page.getByText("Drop files to attach them")).toHaveCount(0);
    const remove = ana.page.getByRole("button", { name: "Remove dropped.txt" });
    await expect(remove).toBeVisible();
    await remove.click();
    await expect(ana.page.getByRole("list", { name: "Files to send" })).toHaveCount(0);
  });

  await test.step("a file over the limit is refused in the browser, with the reason", async () => {
    await pasteZeros(ana.page, "huge.bin", 25 * 1024 * 1024 + 1);
    await expect(
      ana.page.getByText("Not added: huge.bin. The file is larger than 25 MB."),
    ).toBeVisible();
  });

  const throttle = await throttleUploads(ana.page, 400_000);
  await test.step("Cancel stops an upload; a cancelled file holds Send back until removed", async () => {
    await ana.page
      .locator('input[type="file"]')
      .setInputFiles(randomFile("unwanted.bin", 1024 * 1024));
    await ana.page.getByRole("button", { name: "Cancel unwanted.bin" }).click();
    await expect(ana.page.getByText("Cancelled")).toBeVisible();
    await expect(ana.sendButton).toHaveAttribute("aria-disabled", "true");
    await expect(
      ana.page.getByText("Retry or remove the files that were not uploaded to send."),
    ).toBeVisible();
    await ana.page.getByRole("button", { name: "Remove unwanted.bin" }).click();
    await expect(ana.page.getByRole("list", { name: "Files to send" })).toHaveCount(0);
  });

  await test.step("Attach file picks a file; it starts uploading and is sent at once", async () => {
    const chooser = ana.page.waitForEvent("filechooser");
    await ana.page.getByRole("button", { name: "Attach file" }).click();
    await (await chooser).setFiles(randomFile(name, 3 * 1024 * 1024));
    await expect(progress).toBeVisible();
    await ana.composer.fill("the notes");
    await ana.sendButton.click();
    await expect(ana.pending("the notes")).toBeVisible();
  });

  await test.step("the link drops part-way through the upload, and comes back", async () => {
    const pending = ana.pending("the notes");
    await expect
      .poll(async () => {
        const text = (await pending.textContent()) ?? "";
        return Number(/uploading, (\d+)%/.exec(text)?.[1] ?? 0);
      })
      .toBeGreaterThan(5);
    expect(await pending.textContent()).not.toMatch(/uploading, 100%/);
    link.cut();
    await ana.expectReconnecting(1);
    link.restore();
    await throttle.lift();
  });

  await test.step("the upload resumes; the message arrives once, with its file, in both tabs", async () => {
    for (const chat of [ana, bea]) {
      const download = chat.log.getByRole("link", { name: new RegExp(name) });
      await expect(download).toBeVisible({ timeout: 45_000 });
      await expect(download).toContainText("3 MB");
      await expect(chat.said("the notes")).toHaveCount(1);
    }
    // Once more after a moment: a resend would show as a second copy.
    await bea.page.waitForTimeout(500);
    await expect(bea.said("the notes")).toHaveCount(1);
  });
});

test("a file still uploading when the page reloads is uploaded from where it was, and its message sent", async ({
  person,
}) => {
  const room = "reload";
  const ana = await person(room);
  const bea = await person(room);
  const name = "kept.bin";
  const resumes: string[] = [];

  await test.step("the message is sent while its file uploads, and the page reloads part-way", async () => {
    const throttle = await throttleUploads(ana.page, 300_000);
    await ana.page.locator('input[type="file"]').setInputFiles(randomFile(name, 2 * 1024 * 1024));
    await ana.composer.fill("kept across a reload");
    await ana.sendButton.click();
    const pending = ana.pending("kept across a reload");
    await expect
      .poll(async () =>
        Number(/uploading, (\d+)%/.exec((await pending.textContent()) ?? "")?.[1] ?? 0),
      )
      .toBeGreaterThan(5);
    expect(await pending.textContent()).not.toMatch(/uploading, 100%/);
    // Resuming asks the server for the offset it holds (tus HEAD) instead of starting afresh.
    ana.page.on("request", (request) => {
      if (request.method() === "HEAD" && request.url().includes("/api/uploads/"))
        resumes.push(request.url());
    });
    // Still slowed while the page reloads, so the file cannot have finished before it closed.
    await ana.page.reload();
    await ana.expectConnected();
    await expect(ana.pending("kept across a reload")).toContainText(/uploading, \d+%/);
    await throttle.lift();
  });

  await test.step("the reloaded page takes the file over from IndexedDB; the message arrives once", async () => {
    for (const chat of [ana, bea]) {
      await expect(chat.log.getByRole("link", { name: new RegExp(name) })).toBeVisible({
        timeout: 30_000,
      });
      await expect(chat.said("kept across a reload")).toHaveCount(1);
    }
    await expect(ana.failed("kept across a reload")).toHaveCount(0);
    expect(resumes.length).toBeGreaterThan(0);
  });
});
