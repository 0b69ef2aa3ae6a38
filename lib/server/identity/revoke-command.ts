import { ConfigError, type Environment, loadConfig } from "../config";
import { openStore } from "../store/open-store";
import { createIdentities } from "./identities";
import { loadSessionSecret } from "./session-secret";
import { createTokenSigner } from "./tokens";

const USAGE = "usage: npm run identity:revoke -- <user id> [<user id> …]";
const USER_ID = /^[A-Za-z0-9-]{1,64}$/;

export type CommandResult = { exitCode: number; stdout: string[]; stderr: string[] };

/**
 * The operator's way to withdraw one identity's credentials (a leaked bot
 * token, a stolen cookie) without rotating SESSION_SECRET for everyone: it
 * bumps the identity's credential generation in the configured database, so
 * every cookie and bot token issued to it before is refused from the next
 * connection on, and prints a bot token of the new generation for the owner.
 */
export async function revokeCommand(
  args: readonly string[],
  env: Environment = process.env,
): Promise<CommandResult> {
  const result: CommandResult = { exitCode: 0, stdout: [], stderr: [] };
  if (args.length === 0 || args.some((id) => !USER_ID.test(id))) {
    result.stderr.push(USAGE, "user ids are 1-64 of A-Z a-z 0-9 -, as in a message's author.id");
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
  try {
    const signer = createTokenSigner(loadSessionSecret(config.sessionSecret, config.dataDir));
    const identities = createIdentities(store, signer);
    for (const userId of args) {
      const { generation, botToken } = await identities.revoke(userId);
      result.stderr.push(
        `${userId}: every earlier cookie and token refused from the next connection on (generation ${generation})`,
      );
      result.stdout.push(`${userId} ${botToken}`);
    }
  } finally {
    await store.close();
  }
  return result;
}
