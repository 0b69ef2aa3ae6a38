import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProtocolError } from "../shared/errors";
import type { ChatMessage } from "../shared/protocol";
import {
  asFailed,
  asPending,
  byAge,
  canRetry,
  inDisplayOrder,
  isSend,
  memoryOutboxStorage,
  newClientId,
  nextCreatedAt,
  type OutboxEntry,
  type OutboxOperation,
  type OutboxStorage,
  unconfirmed,
  webOutboxStorage,
} from "./outbox";
import { MemoryStorage, noEvents } from "./testing/memory-storage";
import { emptyTimeline, mergeMessages } from "./timeline";

const ME = "me";

function entry(clientId: string, second = 0, room = "general"): OutboxEntry {
  return {
    clientId,
    room,
    text: `text of ${clientId}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, second)).toISOString(),
    state: "pending",
  };
}

function stored(clientId: string, seq: number, authorId = ME): ChatMessage {
  return {
    id: `id-${seq}`,
    room: "general",
    seq,
    clientId,
    author: { id: authorId, name: authorId },
    text: `text of ${clientId}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 1, seq)).toISOString(),
    rev: 1,
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
  };
}

const ids = (entries: readonly OutboxOperation[]) => entries.map((e) => e.clientId);

describe("unconfirmed: the pending copy gives way to the stored one", () => {
  it.each<[string, OutboxEntry[], ChatMessage[], string | undefined, string[]]>([
    ["nothing waiting", [], [stored("a", 1)], ME, []],
    ["nothing stored yet", [entry("a"), entry("b")], [], ME, ["a", "b"]],
    ["the first one stored", [entry("a"), entry("b")], [stored("a", 1)], ME, ["b"]],
    [
      "both stored, out of order",
      [entry("a"), entry("b")],
      [stored("b", 1), stored("a", 2)],
      ME,
      [],
    ],
    [
      "the same clientId by someone else is not ours",
      [entry("a")],
      [stored("a", 1, "someone-else")],
      ME,
      ["a"],
    ],
    [
      "before the session is known nothing is matched",
      [entry("a")],
      [stored("a", 1)],
      undefined,
      ["a"],
    ],
    [
      "a failed entry stays until it is discarded",
      [asFailed(entry("a"), { code: "message_too_long", message: "too long" })],
      [stored("b", 1)],
      ME,
      ["a"],
    ],
  ])("%s", (_name, entries, messages, authorId, expected) => {
    expect(ids(unconfirmed(entries, messages, authorId))).toEqual(expected);
  });
});

describe("entry helpers", () => {
  it("orders by age, then by clientId so that every tab agrees", () => {
    const sorted = [entry("b", 2), entry("z", 1), entry("a", 2)].sort(byAge);
    expect(ids(sorted)).toEqual(["z", "a", "b"]);
  });

  it.each<[string, OutboxEntry[], number, string]>([
    ["an empty outbox takes the clock", [], Date.UTC(2025, 5, 1), "2025-06-01T00:00:00.000Z"],
    [
      "a clock that has not moved on still sorts after the newest",
      [entry("a", 5)],
      Date.UTC(2025, 0, 1, 0, 0, 5),
      "2025-01-01T00:00:05.001Z",
    ],
    [
      "a clock that went back still sorts after the newest",
      [entry("a", 5), entry("b", 3)],
      Date.UTC(2024, 0, 1),
      "2025-01-01T00:00:05.001Z",
    ],
  ])("nextCreatedAt: %s", (_name, entries, now, expected) => {
    expect(nextCreatedAt(entries, now)).toBe(expected);
  });

  it("marks an entry failed with its reason, and pending again without it", () => {
    const failed = asFailed(entry("a"), { code: "message_too_long", message: "too long" });
    expect(failed).toMatchObject({ state: "failed", error: { code: "message_too_long" } });
    const retried = asPending(failed);
    expect(retried.state).toBe("pending");
    expect("error" in retried).toBe(false);
  });

  it("makes clientIds the server accepts, different every time", () => {
    const made = Array.from({ length: 200 }, newClientId);
    for (const id of made) expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(new Set(made).size).toBe(made.length);
  });
});

describe.each<[string, () => OutboxStorage]>([
  ["webOutboxStorage", () => webOutboxStorage(new MemoryStorage(), noEvents)],
  ["memoryOutboxStorage", memoryOutboxStorage],
])("%s", (_name, make) => {
  it("loads a room's entries oldest first, and only that room's", () => {
    const storage = make();
    storage.put(entry("late", 9));
    storage.put(entry("early", 1));
    storage.put(entry("other-room", 5, "gen"));
    expect(ids(storage.load("general"))).toEqual(["early", "late"]);
    expect(ids(storage.load("gen"))).toEqual(["other-room"]);
  });

  it("replaces an entry with the same clientId, removes one by clientId", () => {
    const storage = make();
    storage.put(entry("a", 1));
    storage.put(entry("b", 2));
    storage.put(asFailed(entry("a", 1), { code: "internal", message: "oops" }));
    expect(storage.load("general").map((e) => [e.clientId, e.state])).toEqual([
      ["a", "failed"],
      ["b", "pending"],
    ]);
    storage.remove("general", "a");
    storage.remove("general", "never-there");
    expect(ids(storage.load("general"))).toEqual(["b"]);
  });
});

describe("failed entries", () => {
  const failed = (clientId: string, second: number, code: ProtocolError["code"]) =>
    asFailed(entry(clientId, second), { code, message: "refused" });

  it("are shown after every entry still being sent, whatever their age", () => {
    const entries = [
      failed("old-failure", 1, "internal"),
      entry("pending", 2),
      failed("new-failure", 3, "message_too_long"),
      entry("later", 4),
    ];
    expect(ids(inDisplayOrder(entries))).toEqual([
      "pending",
      "later",
      "old-failure",
      "new-failure",
    ]);
  });

  it.each<[ProtocolError["code"] | "no reason", boolean]>([
    ["message_too_long", false],
    ["empty_message", false],
    ["invalid_payload", false],
    ["invalid_room", false],
    ["internal", true],
    ["not_joined", true],
    ["no reason", true],
  ])("after %s, Retry can help: %s", (code, expected) => {
    const entry_ =
      code === "no reason" ? { ...entry("a"), state: "failed" as const } : failed("a", 1, code);
    expect(canRetry(entry_)).toBe(expected);
    expect(canRetry(entry("pending"))).toBe(false);
  });

  it("written by the earlier version load, with their reason; an unreadable reason is dropped, not the entry", () => {
    const local = new MemoryStorage();
    // As the version before this one stored a refused message, field prefix and all.
    const earlier = {
      ...entry("earlier", 1),
      state: "failed",
      error: {
        code: "message_too_long",
        message: "text: message text is longer than 4000 characters",
      },
    };
    const odd = { ...entry("odd", 2), state: "failed", error: "refused" };
    local.setItem("scrollback:outbox:v2:general:earlier", JSON.stringify(earlier));
    local.setItem("scrollback:outbox:v2:general:odd", JSON.stringify(odd));
    const loaded = webOutboxStorage(local, noEvents).load("general");
    expect(loaded).toEqual([earlier, { ...entry("odd", 2), state: "failed" }]);
  });
});

describe("webOutboxStorage on localStorage", () => {
  it("skips records it cannot read instead of failing", () => {
    const local = new MemoryStorage();
    const storage = webOutboxStorage(local, noEvents);
    storage.put(entry("good", 1));
    local.setItem("scrollback:outbox:v2:general:broken", "{not json");
    local.setItem("scrollback:outbox:v2:general:wrong", JSON.stringify({ clientId: 42 }));
    local.setItem("scrollback:outbox:v2:general:moved", JSON.stringify(entry("elsewhere", 2)));
    local.setItem("unrelated", "1");
    expect(ids(storage.load("general"))).toEqual(["good"]);
  });

  it("keeps an entry the storage refuses for this page, so it is still sent", () => {
    const local = new MemoryStorage();
    const storage = webOutboxStorage(local, noEvents);
    local.full = true;
    storage.put(entry("unsaved", 1));
    expect(ids(storage.load("general"))).toEqual(["unsaved"]);
    expect(local.length).toBe(0);
    storage.remove("general", "unsaved");
    expect(storage.load("general")).toEqual([]);
  });

  it("reports other tabs' changes to this room's outbox, and to no other", () => {
    const target = new EventTarget();
    const storage = webOutboxStorage(new MemoryStorage(), target as unknown as Window);
    let changes = 0;
    const unsubscribe = storage.subscribe("general", () => changes++);
    const event = (key: string | null) => {
      const e = new Event("storage") as Event & { key: string | null };
      e.key = key;
      target.dispatchEvent(e);
    };
    event("scrollback:outbox:v2:general:abc");
    event("scrollback:outbox:v2:gen:abc");
    event("something-else");
    event(null);
    expect(changes).toBe(2);
    unsubscribe();
    event("scrollback:outbox:v2:general:abc");
    expect(changes).toBe(2);
  });

  it("two tabs that see each other's writes late never lose an entry", () => {
    // Browsers give each tab its own copy of localStorage and pass changes on
    // later. Tab 0 writes entries; either tab removes the ones it has seen (as
    // an ack or a broadcast lets it). Whatever the interleaving, once changes
    // have spread, exactly the entries nobody removed are left.
    type Step = { tab: 0 | 1; action: "write" | "remove" | "sync" };
    const stepArb: fc.Arbitrary<Step> = fc.record({
      tab: fc.constantFrom(0 as const, 1 as const),
      action: fc.constantFrom("write" as const, "remove" as const, "sync" as const),
    });
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), fc.nat(), (steps, pick) => {
        const replicas = [new LaggyStorage(), new LaggyStorage()] as const;
        const tabs = replicas.map((replica) => webOutboxStorage(replica, noEvents));
        const written = new Set<string>();
        const removed = new Set<string>();
        let next = 0;
        for (const { tab, action } of steps) {
          const here = tabs[tab] as OutboxStorage;
          if (action === "write") {
            const clientId = `m${next}`;
            here.put(entry(clientId, next++));
            written.add(clientId);
          } else if (action === "remove") {
            const visible = here.load("general");
            const target = visible[pick % Math.max(1, visible.length)];
            if (!target) continue;
            here.remove("general", target.clientId);
            removed.add(target.clientId);
          } else {
            replicas[tab].sendTo(replicas[1 - tab] as LaggyStorage);
          }
        }
        replicas[0].sendTo(replicas[1]);
        replicas[1].sendTo(replicas[0]);
        const expected = [...written].filter((id) => !removed.has(id));
        for (const tab of tabs) expect(ids(tab.load("general")).sort()).toEqual(expected.sort());
      }),
    );
  });
});

/** One tab's copy of localStorage: its own writes apply at once, others' when passed on. */
class LaggyStorage extends MemoryStorage {
  private outgoing: [string, string | null][] = [];
  override setItem(key: string, value: string) {
    super.setItem(key, value);
    this.outgoing.push([key, value]);
  }
  override removeItem(key: string) {
    super.removeItem(key);
    this.outgoing.push([key, null]);
  }
  sendTo(other: LaggyStorage) {
    for (const [key, value] of this.outgoing.splice(0)) {
      if (value === null) other.items.delete(key);
      else other.items.set(key, value);
    }
  }
}

describe("what the log shows: stored messages, then the outbox entries not yet stored", () => {
  it("shows each message of mine exactly once at every moment, however acks, broadcasts and pages interleave", () => {
    // Per message: written, stored by the server, then told to this tab any
    // number of times and ways (its ack, the broadcast, a history page).
    type Delivery = "ack" | "live" | "page";
    const perMessageArb = fc.array(fc.constantFrom<Delivery>("ack", "live", "page"), {
      maxLength: 3,
    });
    const scenarioArb = fc.array(perMessageArb, { minLength: 1, maxLength: 6 }).chain((lives) => {
      const tokens = lives.flatMap((deliveries, i) =>
        Array.from({ length: deliveries.length + 2 }, () => i),
      );
      return fc
        .shuffledSubarray(tokens, { minLength: tokens.length, maxLength: tokens.length })
        .map((order) => ({ lives, order }));
    });

    fc.assert(
      fc.property(scenarioArb, ({ lives, order }) => {
        const outbox = memoryOutboxStorage();
        let timeline = emptyTimeline;
        const storedAs = new Map<number, ChatMessage>();
        const progress = lives.map(() => 0);
        const writtenInOrder: string[] = [];
        let seq = 0;
        for (const i of order) {
          const step = progress[i] ?? 0;
          progress[i] = step + 1;
          const clientId = `m${i}`;
          if (step === 0) {
            outbox.put(entry(clientId, writtenInOrder.length));
            writtenInOrder.push(clientId);
          } else if (step === 1) {
            storedAs.set(i, stored(clientId, ++seq));
          } else {
            timeline = mergeMessages(timeline, [storedAs.get(i) as ChatMessage]);
            // Only this tab's ack settles the entry at once; a broadcast or a page
            // may come first, or the entry may be another tab's.
            if (lives[i]?.[step - 2] === "ack") outbox.remove("general", clientId);
          }
          const storedIds = timeline.messages.map((m) => m.clientId);
          const waitingIds = ids(
            unconfirmed(outbox.load("general").filter(isSend), timeline.messages, ME),
          );
          expect([...storedIds, ...waitingIds].sort()).toEqual([...writtenInOrder].sort());
          // Waiting entries show in the order they were written.
          expect(waitingIds).toEqual(writtenInOrder.filter((id) => waitingIds.includes(id)));
        }
      }),
    );
  });
});
