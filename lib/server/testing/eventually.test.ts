import { describe, expect, it } from "vitest";
import { eventually } from "./chat-test-server";

describe("eventually", () => {
  it("keeps trying an async check until it passes", async () => {
    let tries = 0;
    await eventually(async () => {
      await Promise.resolve();
      tries += 1;
      expect(tries).toBe(3);
    }, 5_000);
    expect(tries).toBe(3);
  });

  it("fails with the async check's own error when it never passes", async () => {
    await expect(
      eventually(async () => {
        await Promise.resolve();
        expect("never").toBe("ready");
      }, 100),
    ).rejects.toThrow(/expected 'never' to be 'ready'/);
  });

  it("fails with a sync check's error when it never passes", async () => {
    await expect(eventually(() => expect(1).toBe(2), 100)).rejects.toThrow(/expected 1 to be 2/);
  });
});
