import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, PROJECT_ROOT } from "./server-process";

type JsonReport = {
  success: boolean;
  testResults: {
    assertionResults: { title: string; status: string; failureMessages: string[] }[];
  }[];
};

/** `vitest run` on the fixtures with the project's configuration, as its own process. */
function runVitest(env: Record<string, string> = {}) {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    // Vite would warn about how the fixture configuration imports the project's.
    VITE_CONFIG_NATIVE_IGNORE_WARNING: "true",
    ...env,
  };
  // The outer Vitest's own variables would make the inner one think it is a worker.
  for (const name of Object.keys(childEnv)) if (name.startsWith("VITEST")) delete childEnv[name];
  return spawnSync(
    join(PROJECT_ROOT, "node_modules/.bin/vitest"),
    [
      "run",
      "--config",
      "lib/server/testing/fixtures/vitest.fixture.config.ts",
      "--reporter=json",
      "--color=false",
    ],
    {
      cwd: PROJECT_ROOT,
      env: childEnv,
      encoding: "utf8",
      timeout: 60_000,
    },
  );
}

describe("a vitest run", () => {
  it("fails each test an error escaped from, with that error, and passes the others", () => {
    const run = runVitest();
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    const results = report.testResults.flatMap((file) => file.assertionResults);
    expect(results.map((r) => [r.title, r.status])).toEqual([
      ["leaves a rejection nobody awaits", "failed"],
      ["asserts inside a callback nobody awaits", "failed"],
      ["lets nothing escape", "passed"],
    ]);
    expect(results[0]?.failureMessages.join("\n")).toContain("a rejection nobody awaited");
    expect(results[1]?.failureMessages.join("\n")).toContain("what the callback saw");
  });

  it("stops before any test with one line naming a missing service and its variable", async () => {
    const port = await freePort();
    const run = runVitest({ SCROLLBACK_TEST_REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(run.status).toBe(1);
    const lines = run.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^✖ the tests need Redis at redis://127\\.0\\.0\\.1:${port} \\(set SCROLLBACK_TEST_REDIS_URL to use another\\): .*ECONNREFUSED`,
        ),
      ),
    ]);
    // No test ran.
    expect(run.stdout).not.toContain("assertionResults");
  });
});
