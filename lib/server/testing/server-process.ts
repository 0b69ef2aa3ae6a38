import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;

/** A port nothing listens on right now, for a server that must keep its port across restarts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export type ServerProcessOptions = {
  /** Arguments to `node`: the entry script, after any flags. */
  args: string[];
  /** Extra environment; DATA_DIR here means the caller owns (and keeps) that directory. */
  env?: Record<string, string>;
  /** Open an IPC channel to the process (the benchmark's probe answers on it). */
  ipc?: boolean;
  /** Working directory; the project root unless another checkout's build is run (the benchmark's previous build). */
  cwd?: string;
};

/**
 * A Scrollback server as its own OS process on a fixed port and data directory,
 * which a test can stop, kill (SIGKILL) and start again on the same database.
 * Healthy means `/healthz` answers 200.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  private log = "";
  readonly dataDir: string;

  private constructor(
    readonly port: number,
    private readonly options: ServerProcessOptions,
  ) {
    this.dataDir = options.env?.DATA_DIR ?? mkdtempSync(join(tmpdir(), "scrollback-server-"));
  }

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const server = new ServerProcess(await freePort(), options);
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The running process, while there is one. */
  get childProcess(): ChildProcess | null {
    return this.child;
  }

  /** What the process printed, for failure messages. */
  get output(): string {
    return this.log;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error("server already running");
    const child = spawn(process.execPath, this.options.args, {
      cwd: this.options.cwd ?? PROJECT_ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(this.port),
        HOST: "127.0.0.1",
        DATA_DIR: this.dataDir,
        LOG_LEVEL: "warn",
        ...this.options.env,
      },
      stdio: this.options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    });
    const record = (chunk: Buffer) => {
      this.log += chunk.toString();
    };
    child.stdout?.on("data", record);
    child.stderr?.on("data", record);
    this.child = child;

    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`server exited with ${child.exitCode}:\n${this.log}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`server did not become healthy in ${STARTUP_TIMEOUT_MS} ms:\n${this.log}`);
  }

  /** Stops the server with a signal (SIGTERM drains, SIGKILL crashes) and waits for it to exit. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await exited;
  }

  async restart(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await this.stop(signal);
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop("SIGKILL");
    if (!this.options.env?.DATA_DIR) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
