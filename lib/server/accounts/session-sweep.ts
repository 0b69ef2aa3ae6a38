import type { ChatIo } from "../transport/socket-types";

/** What the sweep asks the accounts database: which of these still exist and may sign in. */
export type SweepLookup = {
  liveSessions(ids: readonly string[]): Promise<Set<string>>;
  enabledAccounts(ids: readonly string[]): Promise<Set<string>>;
};

/** Rows asked for per query. */
const SWEEP_CHUNK = 500;

async function inChunks(
  ids: readonly string[],
  ask: (chunk: readonly string[]) => Promise<Set<string>>,
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += SWEEP_CHUNK)
    for (const id of await ask(ids.slice(i, i + SWEEP_CHUNK))) found.add(id);
  return found;
}

/**
 * A second way for an ended session to lose its sockets: every so often each
 * instance checks the sessions and accounts of its own connections against
 * the database, and disconnects those whose session is gone or whose account
 * is disabled. The notice through the adapter does this at once; the sweep
 * covers what no notice reaches — a shell command (`npm run user -- disable`)
 * on a deployment without Redis, or a notice lost while Redis was down.
 */
export function startSessionSweep(
  io: ChatIo,
  lookup: SweepLookup,
  options: { intervalMs: number; onEnded: (kind: "session" | "account", id: string) => void },
): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const sessions = new Set<string>();
      const accounts = new Set<string>();
      for (const socket of io.of("/").sockets.values()) {
        const account = socket.data.account;
        if (!account) continue;
        accounts.add(account.accountId);
        if (account.sessionId) sessions.add(account.sessionId);
      }
      if (accounts.size === 0) return;
      const live = await inChunks([...sessions], (ids) => lookup.liveSessions(ids));
      const enabled = await inChunks([...accounts], (ids) => lookup.enabledAccounts(ids));
      for (const socket of io.of("/").sockets.values()) {
        const account = socket.data.account;
        if (!account) continue;
        if (!enabled.has(account.accountId)) {
          options.onEnded("account", account.accountId);
          socket.disconnect(true);
        } else if (account.sessionId && !live.has(account.sessionId)) {
          options.onEnded("session", account.sessionId);
          socket.disconnect(true);
        }
      }
    } catch {
      // The database is unreachable: the next sweep tries again.
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
