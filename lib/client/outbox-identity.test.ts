import { describe, expect, it } from "vitest";
import { memoryOutboxStorage, type OutboxEntry } from "./outbox";
import { outboxOfIdentity } from "./outbox-identity";

const entry = (clientId: string, extra: Partial<OutboxEntry> = {}): OutboxEntry => ({
  clientId,
  room: "general",
  createdAt: `2026-12-03T10:00:0${clientId.length}.000Z`,
  state: "pending",
  text: clientId,
  ...extra,
});

describe("outboxOfIdentity", () => {
  it("stamps what an identity writes, and shows it only to that identity", () => {
    const shared = memoryOutboxStorage();
    let me: string | undefined = "guest-1";
    const outbox = outboxOfIdentity(shared, () => me);
    outbox.put(entry("a"));
    expect(shared.load("general")).toEqual([entry("a", { by: "guest-1" })]);
    me = "account-7";
    expect(outbox.load("general")).toEqual([]);
    outbox.put(entry("bb"));
    expect(outbox.load("general").map((e) => e.clientId)).toEqual(["bb"]);
    me = "guest-1";
    expect(outbox.load("general").map((e) => e.clientId)).toEqual(["a"]);
  });

  it.each([
    ["an operation from before the stamp", entry("old"), "anyone", true],
    ["an operation made before anyone is known", entry("early"), undefined, true],
    ["someone else's", entry("x", { by: "other" }), "me", false],
    ["one's own", entry("y", { by: "me" }), "me", true],
  ])("%s: visible = %s", (_case, operation, me, visible) => {
    const shared = memoryOutboxStorage();
    shared.put(operation);
    const outbox = outboxOfIdentity(shared, () => me);
    expect(outbox.load("general").length === 1).toBe(visible);
  });

  it("keeps the stamp an operation already has when it is rewritten (retry, failure)", () => {
    const shared = memoryOutboxStorage();
    const outbox = outboxOfIdentity(shared, () => "someone-else");
    outbox.put(entry("z", { by: "author" }));
    expect(shared.load("general")[0]?.by).toBe("author");
  });
});
