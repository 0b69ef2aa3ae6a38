import { afterEach, describe, expect, it } from "vitest";
import { describeHealth, type HealthState, StoreHealth } from "./store-health";

const FULL = { kind: "full", code: "SQLITE_FULL" } as const;
const BUSY = { kind: "busy", code: "SQLITE_BUSY" } as const;
const CORRUPT = { kind: "corrupt", code: "SQLITE_CORRUPT" } as const;

const healths: StoreHealth[] = [];
function health(probeIntervalMs = 20): StoreHealth {
  const h = new StoreHealth({ probeIntervalMs });
  healths.push(h);
  return h;
}
afterEach(() => {
  for (const h of healths.splice(0)) h.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("StoreHealth", () => {
  it("goes failing on a storage fault and back to ok on the next write that succeeds, telling listeners once each", () => {
    const h = health();
    const seen: [HealthState["status"], HealthState["status"]][] = [];
    h.subscribe((state, previous) => seen.push([previous.status, state.status]));

    h.writeSucceeded();
    h.writeFailed(FULL);
    h.writeFailed(FULL);
    h.writeFailed(BUSY);
    expect(h.current).toMatchObject({ status: "failing", fault: FULL });
    expect(h.writable).toBe(true);
    h.writeSucceeded();
    h.writeSucceeded();

    expect(seen).toEqual([
      ["ok", "failing"],
      ["failing", "ok"],
    ]);
  });

  it("stays corrupt once damage is found, whatever succeeds later", () => {
    const h = health();
    h.writeFailed(FULL);
    h.corrupted(CORRUPT, "page 7 is not a b-tree page");
    h.writeSucceeded();
    h.writeFailed(BUSY);
    expect(h.current).toMatchObject({ status: "corrupt", detail: "page 7 is not a b-tree page" });
    expect(h.writable).toBe(false);
    expect(describeHealth(h.current)).toMatch(
      /^writes stopped since .*: page 7 is not a b-tree page$/,
    );
  });

  it("takes a corrupt fault reported as a failed write as damage", () => {
    const h = health();
    h.writeFailed(CORRUPT);
    expect(h.current.status).toBe("corrupt");
  });

  it("probes while failing, and stops probing once a write succeeds", async () => {
    const h = health(20);
    let probes = 0;
    let diskFull = true;
    h.setProbe(async () => {
      probes++;
      if (diskFull) h.writeFailed(FULL);
      else h.writeSucceeded();
    });
    await sleep(100);
    expect(probes).toBe(0);

    h.writeFailed(FULL);
    await sleep(150);
    expect(probes).toBeGreaterThanOrEqual(2);
    expect(h.current.status).toBe("failing");

    diskFull = false;
    await sleep(100);
    expect(h.current.status).toBe("ok");
    const after = probes;
    await sleep(100);
    expect(probes).toBe(after);
  });

  it("keeps probing when a probe throws", async () => {
    const h = health(20);
    let probes = 0;
    h.setProbe(async () => {
      probes++;
      throw new Error("disk full");
    });
    h.writeFailed(FULL);
    await sleep(150);
    expect(probes).toBeGreaterThanOrEqual(2);
  });

  it("describes each state for /readyz", () => {
    expect(describeHealth({ status: "ok" })).toBe("ok");
    expect(
      describeHealth({ status: "failing", fault: FULL, since: new Date("2030-01-02T03:04:05Z") }),
    ).toBe("writes failing since 2030-01-02T03:04:05.000Z: disk full (SQLITE_FULL)");
  });
});
