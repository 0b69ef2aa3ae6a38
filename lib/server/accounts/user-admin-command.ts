import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { Server } from "socket.io";
import { z } from "zod";
import { displayNameSchema } from "../../shared/protocol";
import { ConfigError, type Environment, loadConfig } from "../config";
import { createIdentities } from "../identity/identities";
import { loadSessionSecret } from "../identity/session-secret";
import { createTokenSigner } from "../identity/tokens";
import { silentLogger } from "../logger";
import { attachRedisFanout, type RedisFanout } from "../ops/redis-fanout";
import { openStore } from "../store/open-store";
import type { ChatIo } from "../transport/socket-types";
import { type Accounts, createAccounts, SESSION_CACHE_TTL_MS } from "./accounts";
import { passwordProblem } from "./password-rules";

export const USAGE = [
  "usage: npm run user -- create EMAIL [--name NAME] [--admin]",
  "       npm run user -- disable EMAIL",
  "       npm run user -- enable EMAIL",
  "       npm run user -- reset-password EMAIL",
  "create and reset-password print a new password once, or use SCROLLBACK_PASSWORD when it is set.",
].join("\n");

/** The environment variable a password can come from, so that it never sits in the shell's history. */
export const PASSWORD_VARIABLE = "SCROLLBACK_PASSWORD";

/** How long the command waits for Redis before it gives up telling the running servers. */
const REDIS_READY_WAIT_MS = 3_000;

export type CommandResult = { exitCode: number; stdout: string[]; stderr: string[] };

type Parsed =
  | { command: "create"; email: string; name: string | undefined; admin: boolean }
  | { command: "disable" | "enable" | "reset-password"; email: string };

/** The arguments as a command, or a sentence saying what is wrong with them. */
export function parseUserAdminArgs(args: readonly string[]): Parsed | string {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: { name: { type: "string" }; admin: { type: "boolean" } };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { name: { type: "string" }, admin: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return (error as Error).message;
  }
  const [command, email, ...rest] = parsed.positionals;
  if (!command) return "say what to do: create, disable, enable or reset-password";
  if (!["create", "disable", "enable", "reset-password"].includes(command))
    return `unknown command "${command}"`;
  if (!email) return `${command} needs the account's email address`;
  if (rest.length > 0) return `unexpected arguments: ${rest.join(" ")}`;
  if (!z.email().safeParse(email).success) return `"${email}" is not an email address`;
  const address = email.toLowerCase();
  if (command === "create")
    return {
      command,
      email: address,
      name: parsed.values.name,
      admin: parsed.values.admin === true,
    };
  if (parsed.values.name !== undefined || parsed.values.admin !== undefined)
    return "--name and --admin go with create only";
  return { command: command as "disable" | "enable" | "reset-password", email: address };
}

/** A password nobody guesses: 144 random bits, in characters that survive a copy and paste. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

/** The name a new account gets without --name: its address's local part, when the chat accepts that as a name. */
function defaultName(email: string): string | null {
  const local = email.split("@", 1)[0] ?? "";
  const name = displayNameSchema.safeParse(local);
  return name.success ? name.data : null;
}

class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * The operator's shell access to accounts, through the same configuration,
 * database and better-auth instance (and so the same hooks) as the server:
 * create an account, disable or enable one with the admin plugin's ban,
 * or set a new password. Disabling and resetting end the account's sessions;
 * when the deployment has Redis, its running servers are told to drop the
 * account's connections at once, as the admin page does.
 */
export async function userAdminCommand(
  args: readonly string[],
  env: Environment = process.env,
): Promise<CommandResult> {
  const result: CommandResult = { exitCode: 0, stdout: [], stderr: [] };
  const parsed = parseUserAdminArgs(args);
  if (typeof parsed === "string") {
    result.stderr.push(parsed, USAGE);
    result.exitCode = 2;
    return result;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    result.stderr.push(error instanceof ConfigError ? error.message : String(error));
    result.exitCode = 2;
    return result;
  }
  const store = await openStore(config.database);
  let accounts: Accounts | null = null;
  let fanout: { io: ChatIo; redis: RedisFanout } | null = null;
  try {
    const secret = loadSessionSecret(config.sessionSecret, config.dataDir);
    const identities = createIdentities(store, createTokenSigner(secret));
    accounts = createAccounts(
      { database: config.database, config: config.accounts, secret },
      { store, identities, logger: silentLogger, trustProxy: false, allowedOrigins: [] },
    );
    if (parsed.command === "disable" || parsed.command === "reset-password") {
      fanout = config.redisUrl
        ? await reachServers(config.redisUrl, config.redisPrefix, accounts)
        : null;
    }
    const told = fanout
      ? "the running servers were told through Redis to drop its connections"
      : `a running server drops its open connections only when they reconnect, and may accept its last sessions for up to ${SESSION_CACHE_TTL_MS / 1000} s (no Redis to tell it sooner)`;
    const password = env[PASSWORD_VARIABLE];
    switch (parsed.command) {
      case "create": {
        const created = await createAccount(accounts, parsed, password);
        if (created.password) result.stdout.push(created.password);
        result.stderr.push(
          `created ${created.role === "admin" ? "admin " : ""}account ${parsed.email} named "${created.name}"${created.password ? "; its password (shown once) is on the line above" : ` with the password from ${PASSWORD_VARIABLE}`}`,
        );
        break;
      }
      case "disable":
        await setDisabled(accounts, parsed.email, true);
        result.stderr.push(`disabled ${parsed.email}: its sessions are ended; ${told}`);
        break;
      case "enable":
        await setDisabled(accounts, parsed.email, false);
        result.stderr.push(`enabled ${parsed.email}: it can sign in again`);
        break;
      case "reset-password": {
        const chosen = await resetPassword(accounts, parsed.email, password);
        if (chosen) result.stdout.push(chosen);
        result.stderr.push(
          `new password set for ${parsed.email}${chosen ? " (shown once, on the line above)" : ` from ${PASSWORD_VARIABLE}`}; its sessions are ended; ${told}`,
        );
        break;
      }
    }
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    result.stderr.push(error.message);
    result.exitCode = error.exitCode;
  } finally {
    if (fanout) {
      // QUIT goes after the publishes already queued: they reach Redis first.
      await fanout.io.of("/").adapter.close();
      await fanout.redis.close();
    }
    await accounts?.close();
    await store.close();
  }
  return result;
}

/**
 * A Socket.IO server with no HTTP server of its own, on the deployment's
 * Redis adapter: what accounts.ts does to end sessions and disabled accounts
 * (disconnect their rooms, tell instances to forget cached sessions) then
 * reaches every running instance. Null when Redis does not answer in time.
 */
async function reachServers(
  url: string,
  prefix: string,
  accounts: Accounts,
): Promise<{ io: ChatIo; redis: RedisFanout } | null> {
  const io: ChatIo = new Server();
  const redis = await attachRedisFanout(io, url, prefix, silentLogger);
  const until = Date.now() + REDIS_READY_WAIT_MS;
  while (!redis.isReady() && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 50));
  if (!redis.isReady()) {
    await io.of("/").adapter.close();
    await redis.close();
    return null;
  }
  accounts.attach(io);
  return { io, redis };
}

async function accountOf(accounts: Accounts, email: string) {
  const context = await accounts.auth.$context;
  const user = await context.internalAdapter.findUserByEmail(email);
  if (!user) throw new CommandError(`no account has the address ${email}`);
  return { context, user: user.user };
}

async function createAccount(
  accounts: Accounts,
  request: { email: string; name: string | undefined; admin: boolean },
  fromEnv: string | undefined,
): Promise<{ password: string | null; name: string; role: string }> {
  const name = request.name ?? defaultName(request.email);
  if (name === null)
    throw new CommandError(
      "the address's local part is not a usable display name; give one with --name",
      2,
    );
  const named = displayNameSchema.safeParse(name);
  if (!named.success)
    throw new CommandError(`--name: ${named.error.issues[0]?.message ?? "not a usable name"}`, 2);
  const password = fromEnv ?? generatePassword();
  const problem = passwordProblem(password, { email: request.email, name: named.data });
  if (problem) throw new CommandError(`${PASSWORD_VARIABLE}: ${problem}`, 2);
  const context = await accounts.auth.$context;
  if (await context.internalAdapter.findUserByEmail(request.email))
    throw new CommandError(`an account with the address ${request.email} already exists`);
  // The admin plugin's own creation, called from the server side: the hooks
  // run as for a sign-up (first account admin, ADMIN_EMAILS, the chat identity).
  const { user } = await accounts.auth.api.createUser({
    body: { email: request.email, password, name: named.data },
  });
  let role = (user as { role?: string }).role ?? "user";
  if (request.admin && role !== "admin") {
    await context.internalAdapter.updateUser(user.id, { role: "admin" });
    role = "admin";
  }
  return { password: fromEnv === undefined ? password : null, name: named.data, role };
}

/** The admin plugin's ban, as its ban-user endpoint applies it: the flag, then every session deleted. */
async function setDisabled(accounts: Accounts, email: string, disabled: boolean): Promise<void> {
  const { context, user } = await accountOf(accounts, email);
  if (disabled) {
    await context.internalAdapter.updateUser(user.id, {
      banned: true,
      banReason: "Disabled from the command line",
      banExpires: null,
      updatedAt: new Date(),
    });
    await context.internalAdapter.deleteUserSessions(user.id);
  } else {
    await context.internalAdapter.updateUser(user.id, {
      banned: false,
      banReason: null,
      banExpires: null,
      updatedAt: new Date(),
    });
  }
}

/** Sets a new password (better-auth's hash) and ends every session; returns it when it was generated. */
async function resetPassword(
  accounts: Accounts,
  email: string,
  fromEnv: string | undefined,
): Promise<string | null> {
  const { context, user } = await accountOf(accounts, email);
  const password = fromEnv ?? generatePassword();
  const problem = passwordProblem(password, { email, name: user.name });
  if (problem) throw new CommandError(`${PASSWORD_VARIABLE}: ${problem}`, 2);
  const hash = await context.password.hash(password);
  if (await context.internalAdapter.findCredentialAccount(user.id))
    await context.internalAdapter.updatePassword(user.id, hash);
  else
    await context.internalAdapter.createAccount({
      userId: user.id,
      providerId: "credential",
      accountId: user.id,
      password: hash,
    });
  await context.internalAdapter.deleteUserSessions(user.id);
  return fromEnv === undefined ? password : null;
}
