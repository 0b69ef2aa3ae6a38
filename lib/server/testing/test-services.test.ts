import { describe, expect, it } from "vitest";
import { freePort } from "./server-process";
import { TEST_SERVICES, type TestService, unreachableServices } from "./test-services";

/** The same service, looked for on a port where nothing listens. */
async function onClosedPort(service: TestService): Promise<TestService> {
  const url = new URL(service.url);
  url.port = String(await freePort());
  return { ...service, url: url.toString() };
}

describe("the test services check", () => {
  it("finds the Postgres and Redis the tests use", async () => {
    expect(await unreachableServices()).toEqual([]);
  });

  it.each(TEST_SERVICES.map((service) => [service.name, service] as const))(
    "names %s, where it was looked for and its variable, in one line",
    async (name, service) => {
      const missing = await onClosedPort(service);
      const lines = await unreachableServices([missing]);
      expect(lines).toHaveLength(1);
      const [line] = lines;
      expect(line).not.toContain("\n");
      expect(line).toContain(`the tests need ${name} at ${missing.url}`);
      expect(line).toContain(service.variable);
      expect(line).toContain("ECONNREFUSED");
    },
  );

  it("reports only the service that is missing", async () => {
    const [postgres, redis] = TEST_SERVICES as [TestService, TestService];
    const lines = await unreachableServices([postgres, await onClosedPort(redis)]);
    expect(lines).toEqual([expect.stringContaining("the tests need Redis")]);
  });
});
