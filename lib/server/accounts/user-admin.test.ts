import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../store/postgres-store";
import { authPost, newTestAccount, signIn, signUp } from "../testing/accounts";
import { ChatTestServer, eventually, TEST_SECRET } from "../testing/chat-test-server";
import { createTestSchema } from "../testing/postgres";
import { TEST_REDIS_URL } from "../testing/redis-process";
import { passwordProblem } from "./password-rules";
import { generatePassword, parseUserAdminArgs } from "./user-admin-command";

const ROOT = resolve(import.meta.dirname, "../../..");
const SCRIPT = resolve(ROOT, "scripts/user-admin.ts");
/** Each run is a process that loads better-auth: a few seconds, several times a test. */
const COMMAND_TEST_TIMEOUT_MS = 120_000;

type Run = { code: number | null; stdout: string; stderr: string };

/** The real command in a process of its own, as `npm run user -- …` runs it (through tsx, not the bundle). */
function runUserCommand(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, ...args], {
      cwd: ROOT,
      // Only what the command needs: no DATABASE_URL or REDIS_URL from the test's own environment.
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

function passwordOf(run: Run): string {
  expect(run.code, run.stderr).toBe(0);
  const lines = run.stdout.trim().split("\n");
  // The password alone, on a line of its own, so that a script can capture it.
  expect(lines).toHaveLength(1);
  const [password = ""] = lines;
  expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  return password;
}

const signInStatus = async (server: ChatTestServer, email: string, password: string) =>
  (await authPost(server, "/sign-in/email", { email, password })).status;

describe("npm run user (SQLite, beside a running server on the same file)", {
  timeout: COMMAND_TEST_TIMEOUT_MS,
}, () => {
  let server: ChatTestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await ChatTestServer.start();
    env = { DATA_DIR: server.dir, SESSION_SECRET: TEST_SECRET };
  });
  afterAll(() => server.dispose());

  it("creates the first account as admin, with its name, and prints a password that signs in", async () => {
    const email = `ana-${randomBytes(3).toString("hex")}@example.test`;
    const created = await runUserCommand(["create", email, "--name", "Ana Sousa"], env);
    const password = passwordOf(created);
    expect(created.stderr).toContain(`created admin account ${email}`);

    const { cookie } = await signIn(server, { email, password });
    const signedIn = await server.app.accounts?.signedInFromCookie(cookie);
    expect(signedIn).toMatchObject({ email, role: "admin", name: "Ana Sousa" });
    // The account speaks as a chat identity of that name, made by the same hooks as a sign-up.
    const { session } = await server.connect({ extraHeaders: { cookie } });
    expect(session.user).toEqual({
      id: signedIn?.chatUserId,
      name: "Ana Sousa",
      guest: false,
    });
    expect(await server.store.users.find(signedIn?.chatUserId ?? "")).toEqual({
      id: signedIn?.chatUserId,
      name: "Ana Sousa",
    });
  });

  it("takes the password from SCROLLBACK_PASSWORD, printing none, and makes an admin on --admin", async () => {
    const email = `bea-${randomBytes(3).toString("hex")}@example.test`;
    const chosen = "a long and quiet passphrase";
    const created = await runUserCommand(["create", email, "--admin"], {
      ...env,
      SCROLLBACK_PASSWORD: chosen,
    });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe("");
    const { cookie } = await signIn(server, { email, password: chosen });
    expect(await server.app.accounts?.signedInFromCookie(cookie)).toMatchObject({
      role: "admin",
      // Without --name, the address's local part.
      name: email.split("@")[0],
    });
    const plain = `caio-${randomBytes(3).toString("hex")}@example.test`;
    const plainPassword = passwordOf(await runUserCommand(["create", plain], env));
    const caio = await signIn(server, { email: plain, password: plainPassword });
    // Not the first account, not in ADMIN_EMAILS, no --admin: a user.
    expect(await server.app.accounts?.signedInFromCookie(caio.cookie)).toMatchObject({
      role: "user",
    });
  });

  it("refuses a common SCROLLBACK_PASSWORD, an address already taken, and bad arguments, changing nothing", async () => {
    const email = `dan-${randomBytes(3).toString("hex")}@example.test`;
    const weak = await runUserCommand(["create", email], {
      ...env,
      SCROLLBACK_PASSWORD: "password",
    });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain("SCROLLBACK_PASSWORD");
    expect(weak.stdout).toBe("");
    const context = await server.app.accounts?.auth.$context;
    expect(await context?.internalAdapter.findUserByEmail(email)).toBeNull();

    passwordOf(await runUserCommand(["create", email], env));
    const again = await runUserCommand(["create", email], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
    expect(again.stdout).toBe("");

    const wrong = await runUserCommand(["frobnicate", email], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("usage: npm run user");
    const unknown = await runUserCommand(["disable", `nobody-${Date.now()}@example.test`], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no account has the address");
  });

  it("disables an account: its sessions end and sign-in is refused; enabling lets it sign in again", async () => {
    const person = newTestAccount("Eva Lima");
    const { cookie } = await signUp(server, person);
    const disabled = await runUserCommand(["disable", person.email], env);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stderr).toContain(`disabled ${person.email}`);

    expect(await signInStatus(server, person.email, person.password)).toBe(403);
    // The session is gone from the database (a server's cached answer for it lapses within the cache's lifetime).
    const found = await server.app.accounts?.auth.api.getSession({
      headers: new Headers({ cookie }),
    });
    expect(found).toBeNull();

    const enabled = await runUserCommand(["enable", person.email], env);
    expect(enabled.code, enabled.stderr).toBe(0);
    expect(await signInStatus(server, person.email, person.password)).toBe(200);
  });

  it("resets a password: the old one is refused, the printed one signs in, the old sessions end", async () => {
    const person = newTestAccount("Fia Costa");
    const { cookie } = await signUp(server, person);
    const reset = await runUserCommand(["reset-password", person.email], env);
    const password = passwordOf(reset);
    expect(await signInStatus(server, person.email, person.password)).toBe(401);
    expect(await signInStatus(server, person.email, password)).toBe(200);
    const found = await server.app.accounts?.auth.api.getSession({
      headers: new Headers({ cookie }),
    });
    expect(found).toBeNull();
  });
});

describe("the command's arguments", () => {
  it.each([
    [
      ["create", "Ana@Example.test"],
      { command: "create", email: "ana@example.test", name: undefined, admin: false },
    ],
    [
      ["create", "ana@example.test", "--name", "Ana Sousa", "--admin"],
      { command: "create", email: "ana@example.test", name: "Ana Sousa", admin: true },
    ],
    [
      ["--admin", "create", "ana@example.test"],
      { command: "create", email: "ana@example.test", name: undefined, admin: true },
    ],
    [["disable", "ana@example.test"], { command: "disable", email: "ana@example.test" }],
    [["enable", "ana@example.test"], { command: "enable", email: "ana@example.test" }],
    [
      ["reset-password", "ana@example.test"],
      { command: "reset-password", email: "ana@example.test" },
    ],
  ])("%j", (args, expected) => {
    expect(parseUserAdminArgs(args)).toEqual(expected);
  });

  it.each([
    [[], /say what to do/],
    [["frobnicate", "ana@example.test"], /unknown command "frobnicate"/],
    [["create"], /needs the account's email address/],
    [["create", "not-an-address"], /is not an email address/],
    [["create", "ana@example.test", "bea@example.test"], /unexpected arguments/],
    [["create", "ana@example.test", "--name"], /--name/],
    [["create", "ana@example.test", "--colour", "red"], /--colour/],
    [["disable", "ana@example.test", "--admin"], /with create only/],
    [["reset-password", "ana@example.test", "--name", "X"], /with create only/],
  ])("refuses %j", (args, problem) => {
    expect(parseUserAdminArgs(args)).toMatch(problem);
  });

  it("generates passwords that the password rules accept, each different", () => {
    const passwords = Array.from({ length: 50 }, generatePassword);
    expect(new Set(passwords).size).toBe(50);
    for (const password of passwords) expect(passwordProblem(password)).toBeNull();
  });
});

function disconnected(socket: Socket): Promise<void> {
  return new Promise((done) => {
    if (!socket.connected) done();
    socket.once("disconnect", () => done());
  });
}

describe("npm run user on Postgres with Redis: the running servers drop the account's connections at once", {
  timeout: COMMAND_TEST_TIMEOUT_MS,
}, () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let server: ChatTestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    schema = await createTestSchema();
    const prefix = `test-${randomBytes(4).toString("hex")}`;
    server = await ChatTestServer.start({
      openStore: () => PostgresStore.open(schema.url),
      database: { engine: "postgres", url: schema.url },
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
    });
    await eventually(() => expect(server.app.redis?.isReady()).toBe(true));
    env = {
      DATA_DIR: server.dir,
      SESSION_SECRET: TEST_SECRET,
      DATABASE_URL: schema.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
    };
  });
  afterAll(async () => {
    await server?.dispose();
    await schema?.drop();
  });

  it("disable disconnects the account's open sockets, and its cookie no longer signs them in", async () => {
    const person = newTestAccount("Gil Reis");
    const { cookie } = await signUp(server, person);
    const { socket } = await server.connect({ extraHeaders: { cookie } });
    const gone = disconnected(socket);
    const disabled = await runUserCommand(["disable", person.email], env);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stderr).toContain("told through Redis");
    await gone;
    // Guests are on: the same browser comes back as a guest, not as the account.
    const again = await server.connect({ extraHeaders: { cookie } });
    expect(again.session.account).toBeUndefined();
  });

  it("reset-password disconnects the sessions it ends", async () => {
    const person = newTestAccount("Hana Melo");
    const { cookie } = await signUp(server, person);
    const { socket } = await server.connect({ extraHeaders: { cookie } });
    const gone = disconnected(socket);
    const password = passwordOf(await runUserCommand(["reset-password", person.email], env));
    await gone;
    expect(await signInStatus(server, person.email, password)).toBe(200);
  });
});
