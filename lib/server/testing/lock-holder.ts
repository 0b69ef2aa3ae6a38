import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";

/**
 * Another process holding SQLite's write lock on a database file, as an
 * operator's `sqlite3` shell in the middle of a transaction, or a second
 * server pointed at the same file, would: it runs `BEGIN IMMEDIATE` and keeps
 * the transaction open until `release()`.
 */
export class LockHolder {
  private constructor(private readonly child: ChildProcess) {}

  static async hold(path: string): Promise<LockHolder> {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const child = spawn(
      process.execPath,
      [
        "-e",
        `const Database = require(${JSON.stringify(driver)});
         const db = new Database(${JSON.stringify(path)});
         db.exec("BEGIN IMMEDIATE");
         process.stdout.write("locked\\n");
         process.stdin.once("data", () => {
           db.exec("COMMIT");
           db.close();
           process.stdout.write("released\\n");
         });`,
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    await LockHolder.said(child, "locked");
    return new LockHolder(child);
  }

  private static said(child: ChildProcess, word: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let seen = "";
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes(word)) {
          child.stdout?.off("data", onData);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.once("exit", (code) =>
        reject(new Error(`lock holder exited (${code}) before "${word}"`)),
      );
    });
  }

  /** Commits the open transaction, which frees the lock, and waits until it has. */
  async release(): Promise<void> {
    const released = LockHolder.said(this.child, "released");
    this.child.stdin?.write("go\n");
    await released;
    this.child.stdin?.end();
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
