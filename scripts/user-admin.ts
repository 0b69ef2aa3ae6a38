// Accounts from the shell, with the server's own configuration (DATABASE_URL
// or DATA_DIR, SESSION_SECRET, REDIS_URL):
//   npm run build && npm run user -- create EMAIL [--name NAME] [--admin]
//   npm run user -- disable EMAIL | enable EMAIL | reset-password EMAIL
// A generated password goes to stdout alone (shown once); what happened goes to stderr.
import { userAdminCommand } from "../lib/server/accounts/user-admin-command";

try {
  const { exitCode, stdout, stderr } = await userAdminCommand(process.argv.slice(2));
  for (const line of stdout) console.log(line);
  for (const line of stderr) console.error(line);
  process.exit(exitCode);
} catch (error) {
  console.error(`the command failed: ${(error as Error).message}`);
  process.exit(1);
}
