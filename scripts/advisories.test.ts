import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ADVISORIES, atLeast, lockedVersions } from "./advisories.mjs";

const lockfile = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8"));

describe("dependencies facing the network", () => {
  it.each(ADVISORIES)("$package is at or above the fix for $id", (advisory) => {
    const installed = lockedVersions(lockfile, advisory.package);
    expect(installed.length).toBeGreaterThan(0);
    for (const { path, version } of installed) {
      expect({ path, version, fixed: atLeast(version, advisory.fixedIn) }).toEqual({
        path,
        version,
        fixed: true,
      });
    }
  });

  it.each([
    ["8.21.3", "8.21.0", true],
    ["8.21.0", "8.21.0", true],
    ["8.20.9", "8.21.0", false],
    ["16.10.0", "16.2.6", true],
    ["16.2.5", "16.2.6", false],
    ["9.0.0", "16.0.0", false],
  ])("compares versions: %s >= %s is %s", (a, b, expected) => {
    expect(atLeast(a, b)).toBe(expected);
  });
});
