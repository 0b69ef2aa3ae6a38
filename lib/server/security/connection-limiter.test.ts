import { describe, expect, it } from "vitest";
import { createConnectionLimiter } from "./connection-limiter";

describe("open connections per address", () => {
  it("admits up to the limit, then refuses, and admits again when one closes", () => {
    const limiter = createConnectionLimiter(2);
    const first = limiter.acquire("a");
    const second = limiter.acquire("a");
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(limiter.acquire("a")).toBeNull();
    expect(limiter.acquire("b")).not.toBeNull();

    first?.();
    expect(limiter.count("a")).toBe(1);
    expect(limiter.acquire("a")).not.toBeNull();
  });

  it("gives a slot back once, however often release is called", () => {
    const limiter = createConnectionLimiter(2);
    const release = limiter.acquire("a");
    limiter.acquire("a");
    release?.();
    release?.();
    expect(limiter.count("a")).toBe(1);
  });

  it("forgets an address with no open connection", () => {
    const limiter = createConnectionLimiter(1);
    limiter.acquire("a")?.();
    expect(limiter.count("a")).toBe(0);
  });
});
