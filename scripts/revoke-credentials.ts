// Revokes every cookie and bot token of the given identities, with the server's
// own configuration (DATABASE_URL or DATA_DIR, SESSION_SECRET); prints, per id,
// a bot token that works from now on:
//   npm run build && npm run identity:revoke -- <user id> [<user id> …]
import { revokeCommand } from "../lib/server/identity/revoke-command";

try {
  const { exitCode, stdout, stderr } = await revokeCommand(process.argv.slice(2));
  for (const line of stderr) console.error(line);
  for (const line of stdout) console.log(line);
  process.exit(exitCode);
} catch (error) {
  console.error(
    `revoking failed, nothing was changed for the ids not reported: ${(error as Error).message}`,
  );
  process.exit(1);
}
