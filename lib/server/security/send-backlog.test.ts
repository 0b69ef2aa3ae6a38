import { describe, expect, it } from "vitest";
import { SendBacklog } from "./send-backlog";

describe("SendBacklog", () => {
  it("reports the age of the oldest unanswered send, and overload past the limit", () => {
    let now = 0;
    const backlog = new SendBacklog(1_000, () => now);
    expect(backlog.oldestDelayMs()).toBe(0);
    const first = backlog.enter();
    now = 400;
    const second = backlog.enter();
    now = 900;
    expect(backlog.oldestDelayMs()).toBe(900);
    expect(backlog.overloaded).toBe(false);
    now = 1_001;
    expect(backlog.overloaded).toBe(true);
    // Once the oldest is answered, the next one's age counts.
    first();
    expect(backlog.oldestDelayMs()).toBe(601);
    expect(backlog.overloaded).toBe(false);
    second();
    second();
    expect(backlog.size).toBe(0);
    expect(backlog.overloaded).toBe(false);
  });

  it("follows answers given out of order", () => {
    let now = 0;
    const backlog = new SendBacklog(100, () => now);
    const a = backlog.enter();
    now = 10;
    const b = backlog.enter();
    now = 20;
    b();
    expect(backlog.oldestDelayMs()).toBe(20);
    a();
    expect(backlog.oldestDelayMs()).toBe(0);
  });
});
