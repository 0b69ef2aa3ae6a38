import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../lib/server/testing/server-process";

const REFERENCE_CONFIG = fileURLToPath(new URL("../../deploy/nginx.conf", import.meta.url));

function nginxBinary(): string {
  const candidates = [
    process.env.NGINX_BIN,
    "/usr/sbin/nginx",
    "/usr/local/sbin/nginx",
    "/usr/bin/nginx",
  ];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  try {
    return execFileSync("which", ["nginx"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("these tests need nginx: apt-get install -y nginx (or set NGINX_BIN)");
  }
}

/**
 * The reference configuration in deploy/nginx.conf, run as it is except for
 * what a test must own: its listening port, the instances' ports, and paths
 * for the pid, logs and temporary files.
 */
export function renderNginxConfig(
  listenPort: number,
  upstreamPorts: readonly number[],
  dir: string,
): string {
  const reference = readFileSync(REFERENCE_CONFIG, "utf8");
  const servers = upstreamPorts
    .map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;`)
    .join("\n");
  const rendered = reference
    .replace(
      /^ {4}server 127\.0\.0\.1:\d+ .*;\n(?: {4}server 127\.0\.0\.1:\d+ .*;\n)*/m,
      `${servers}\n`,
    )
    .replace(/listen 8080;/, `listen 127.0.0.1:${listenPort};`)
    .replace(
      /^http \{/m,
      [
        "http {",
        `  access_log ${join(dir, "access.log")};`,
        `  client_body_temp_path ${join(dir, "body")};`,
        `  proxy_temp_path ${join(dir, "proxy")};`,
        `  fastcgi_temp_path ${join(dir, "fastcgi")};`,
        `  uwsgi_temp_path ${join(dir, "uwsgi")};`,
        `  scgi_temp_path ${join(dir, "scgi")};`,
      ].join("\n"),
    );
  if (!rendered.includes(`listen 127.0.0.1:${listenPort};`) || !rendered.includes(servers)) {
    throw new Error(
      "deploy/nginx.conf no longer has the listen and upstream lines this test rewrites",
    );
  }
  return `pid ${join(dir, "nginx.pid")};\nerror_log ${join(dir, "error.log")} warn;\ndaemon off;\n${rendered}`;
}

/** nginx in front of the given instances, with the project's reference configuration. */
export class Nginx {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(upstreamPorts: readonly number[]): Promise<Nginx> {
    const dir = mkdtempSync(join(tmpdir(), "scrollback-nginx-"));
    chmodSync(dir, 0o755);
    for (const sub of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
      mkdirSync(join(dir, sub));
      // nginx's workers may run as another user than the test.
      chmodSync(join(dir, sub), 0o777);
    }
    const port = await freePort();
    const config = join(dir, "nginx.conf");
    writeFileSync(config, renderNginxConfig(port, upstreamPorts, dir));
    const child = spawn(nginxBinary(), ["-p", dir, "-c", config], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let errors = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const nginx = new Nginx(child, port, dir);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`nginx exited: ${errors}`);
      try {
        await fetch(`${nginx.url}/healthz`);
        return nginx;
      } catch {
        if (Date.now() > deadline) throw new Error(`nginx did not start: ${errors}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGQUIT");
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
