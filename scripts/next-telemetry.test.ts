import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const { scripts } = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
) as { scripts: Record<string, string> };

describe("Next.js telemetry", () => {
  it.each(["build", "dev"])("is off in `npm run %s`, which runs Next", (name) => {
    const command = scripts[name] ?? "";
    // Set in the environment of the command that runs Next, not after it.
    const runsNext = command.search(/next build|tsx watch/);
    expect(runsNext).toBeGreaterThan(0);
    expect(command.slice(0, runsNext)).toContain("NEXT_TELEMETRY_DISABLED=1 ");
  });

  it("is off in `npm start`, for the build it may run and the server it starts", () => {
    const start = readFileSync(new URL("./start.mjs", import.meta.url), "utf8");
    const setting = start.indexOf('process.env.NEXT_TELEMETRY_DISABLED ??= "1"');
    expect(setting).toBeGreaterThan(0);
    expect(setting).toBeLessThan(start.indexOf("spawnSync("));
    expect(setting).toBeLessThan(start.indexOf("await import("));
  });
});
