// Moves a single-instance SQLite history into Postgres, e.g. before scaling out:
//   npm run build && npm run db:copy-to-postgres -- ./data/scrollback.db postgres://user@host/db
import { resolve } from "node:path";
import { copySqliteToPostgres } from "../lib/server/store/copy-history";

const [from, to] = process.argv.slice(2);
if (!from || !to || !/^postgres(ql)?:\/\//.test(to)) {
  console.error("usage: npm run db:copy-to-postgres -- <path/to/scrollback.db> <postgres://…>");
  process.exit(2);
}

const started = Date.now();
let lastReport = 0;
try {
  const report = await copySqliteToPostgres(resolve(from), to, (copied, total) => {
    if (Date.now() - lastReport > 1_000 || copied === total) {
      lastReport = Date.now();
      process.stdout.write(`\rcopied ${copied} of ${total} messages`);
    }
  });
  process.stdout.write("\n");
  console.log(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${report.messages} messages in ${report.rooms} rooms, ${report.users} users, ${report.accounts} accounts`,
  );
} catch (error) {
  process.stdout.write("\n");
  console.error(`copy failed, the target is unchanged: ${(error as Error).message}`);
  process.exit(1);
}
