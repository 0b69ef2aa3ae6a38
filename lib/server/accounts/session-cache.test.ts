import { describe, expect, it } from "vitest";
import { SessionCache } from "./session-cache";

type Entry = { sessionId: string; accountId: string };
const ana1: Entry = { sessionId: "s1", accountId: "ana" };
const ana2: Entry = { sessionId: "s2", accountId: "ana" };
const bea: Entry = { sessionId: "s3", accountId: "bea" };

function cache(maxEntries = 10) {
  let now = 1_000;
  const sessions = new SessionCache<Entry>({
    ttlMs: 60_000,
    negativeTtlMs: 2_000,
    maxEntries,
    now: () => now,
  });
  return { sessions, advance: (ms: number) => (now += ms) };
}

describe("SessionCache", () => {
  it("remembers an answer for its lifetime, a 'nobody' much more briefly", () => {
    const { sessions, advance } = cache();
    sessions.set("cookie-a", ana1);
    sessions.set("forged", null);
    expect(sessions.get("cookie-a")).toEqual(ana1);
    expect(sessions.get("forged")).toBeNull();
    advance(2_000);
    expect(sessions.get("forged")).toBeUndefined();
    expect(sessions.get("cookie-a")).toEqual(ana1);
    advance(58_000);
    expect(sessions.get("cookie-a")).toBeUndefined();
  });

  it("never outlives the session itself", () => {
    const { sessions, advance } = cache();
    sessions.set("cookie-a", ana1, 1_000 + 5_000);
    advance(5_000);
    expect(sessions.get("cookie-a")).toBeUndefined();
  });

  it("forgets one ended session, or every session of a disabled account", () => {
    const { sessions } = cache();
    sessions.set("a1", ana1);
    sessions.set("a2", ana2);
    sessions.set("b", bea);
    sessions.dropSession("s1");
    expect([sessions.get("a1"), sessions.get("a2"), sessions.get("b")]).toEqual([
      undefined,
      ana2,
      bea,
    ]);
    sessions.dropAccount("ana");
    expect([sessions.get("a2"), sessions.get("b")]).toEqual([undefined, bea]);
  });

  it("holds at most maxEntries, dropping the oldest first", () => {
    const { sessions } = cache(2);
    sessions.set("a1", ana1);
    sessions.set("a2", ana2);
    sessions.set("b", bea);
    expect(sessions.size).toBe(2);
    expect(sessions.get("a1")).toBeUndefined();
    expect(sessions.get("b")).toEqual(bea);
  });
});
