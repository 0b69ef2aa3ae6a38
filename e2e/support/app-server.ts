import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;

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

async function waitUntilHealthy(
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not become healthy in ${STARTUP_TIMEOUT_MS} ms:\n${output()}`);
}

/**
 * The production server (dist/server.js) as a child process on its own port
 * and data directory, which a test can stop, kill and start again.
 */
export class AppServer {
  private child: ChildProcess | null = null;
  private log = "";
  readonly dataDir: string;

  private constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), "scrollback-e2e-"));
  }

  static async start(env: Record<string, string> = {}): Promise<AppServer> {
    const server = new AppServer(await freePort(), env);
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get output(): string {
    return this.log;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error("server already running");
    const child = spawn(process.execPath, [join(ROOT, "dist", "server.js")], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(this.port),
        HOST: "127.0.0.1",
        DATA_DIR: this.dataDir,
        LOG_LEVEL: "warn",
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      this.log += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.log += chunk.toString();
    });
    this.child = child;
    await waitUntilHealthy(this.url, child, () => this.log);
  }

  /** Stops the server with a signal and waits for it to exit. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null) return;
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
    if (!this.env.DATA_DIR) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
