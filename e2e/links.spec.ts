import { expect, test } from "./support/fixtures";

test("links show their real host and no direction tricks; the app's own open here, others in a new tab", async ({
  app,
  person,
}) => {
  const ana = await person("links");
  const bea = await person("links");
  await ana.send(
    [
      `Our other room: ${app.url}/chat/elsewhere`,
      "Sign in at https://аpple.com/login",
      "The file https://files.example/\u202efdp.exe",
      "Not a link: https://bank.example@evil.example/",
    ].join("\n"),
  );
  const message = bea.stored("Our other room");
  await expect(message).toBeVisible();

  // The Cyrillic "а" shows as the host DNS will look up.
  const lookAlike = message.getByRole("link", { name: "https://xn--pple-43d.com/login" });
  await expect(lookAlike).toHaveAttribute("href", "https://xn--pple-43d.com/login");
  await expect(lookAlike).toHaveAttribute("target", "_blank");
  await expect(lookAlike).toHaveAttribute("rel", "noopener noreferrer");
  // The override is gone from the text, so it reads as it is: fdp.exe.
  const file = message.getByRole("link", { name: "https://files.example/fdp.exe" });
  await expect(file).toHaveText("https://files.example/fdp.exe");
  await expect(message.getByRole("link", { name: /bank\.example|evil\.example/ })).toHaveCount(0);
  await expect(message).toContainText("Not a link: https://bank.example@evil.example/");

  const own = message.getByRole("link", { name: `${app.url}/chat/elsewhere` });
  await expect(own).not.toHaveAttribute("target", /.+/);
  await own.click();
  await expect(bea.page).toHaveURL(`${app.url}/chat/elsewhere`);
  await expect(bea.page.getByRole("heading", { name: "#elsewhere" })).toBeVisible();
  expect(bea.page.context().pages()).toHaveLength(1);
});
