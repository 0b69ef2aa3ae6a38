import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../shared/protocol";
import {
  type ChangeOperation,
  type ChangeRequest,
  isSend,
  type OutboxOperation,
  plan,
  staleAfterDelete,
  webOutboxStorage,
} from "./outbox";
import { showMessages } from "./shown-message";
import { MemoryStorage, noEvents } from "./testing/memory-storage";

let made = 0;
function queued(change: ChangeRequest, state: "pending" | "failed" = "pending"): ChangeOperation {
  made++;
  return {
    ...change,
    clientId: `op-${made}`,
    room: "general",
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, made)).toISOString(),
    state,
  } as ChangeOperation;
}

/** Applies a plan the way RoomClient does, so tables can say what the outbox ends with. */
function enqueue(outbox: OutboxOperation[], change: ChangeRequest): OutboxOperation[] {
  const { remove, add } = plan(outbox, change);
  const kept = outbox.filter((e) => !remove.includes(e.clientId));
  return add ? [...kept, queued(add)] : kept;
}

const describeOps = (outbox: readonly OutboxOperation[]) =>
  outbox.map((e) => {
    if (isSend(e)) return `send ${e.text}`;
    if (e.kind === "edit") return `edit ${e.id} ${e.text}`;
    if (e.kind === "delete") return `delete ${e.id}`;
    return `${e.kind} ${e.id} ${e.emoji}`;
  });

const edit = (id: string, text: string): ChangeRequest => ({ kind: "edit", id, text });
const del = (id: string): ChangeRequest => ({ kind: "delete", id });
const react = (id: string, emoji: string): ChangeRequest => ({ kind: "react", id, emoji });
const unreact = (id: string, emoji: string): ChangeRequest => ({ kind: "unreact", id, emoji });

describe("plan: changes coalesce where the server would end the same", () => {
  it.each<[string, ChangeRequest[], string[]]>([
    ["one edit", [edit("a", "x")], ["edit a x"]],
    ["a second edit replaces the first", [edit("a", "x"), edit("a", "y")], ["edit a y"]],
    ["edits of two messages both stay", [edit("a", "x"), edit("b", "y")], ["edit a x", "edit b y"]],
    ["a delete drops the message's edits", [edit("a", "secret"), del("a")], ["delete a"]],
    ["a delete drops its reactions", [react("a", "👍"), del("a")], ["delete a"]],
    ["nothing after a delete matters", [del("a"), edit("a", "x"), react("a", "👍")], ["delete a"]],
    ["deleting twice is queued once", [del("a"), del("a")], ["delete a"]],
    ["react then unreact cancel", [react("a", "👍"), unreact("a", "👍")], []],
    ["unreact then react cancel", [unreact("a", "👍"), react("a", "👍")], []],
    ["reacting twice is queued once", [react("a", "👍"), react("a", "👍")], ["react a 👍"]],
    [
      "different emoji do not cancel",
      [react("a", "👍"), unreact("a", "🎉")],
      ["react a 👍", "unreact a 🎉"],
    ],
    [
      "react, unreact, react",
      [react("a", "👍"), unreact("a", "👍"), react("a", "👍")],
      ["react a 👍"],
    ],
  ])("%s", (_name, changes, expected) => {
    expect(describeOps(changes.reduce(enqueue, [] as OutboxOperation[]))).toEqual(expected);
  });

  it("leaves failed entries alone", () => {
    const failed = queued(edit("a", "refused"), "failed");
    expect(plan([failed], edit("a", "again"))).toEqual({ remove: [], add: edit("a", "again") });
  });

  it("a delete that arrives purges everything waiting on that message", () => {
    const outbox = [
      queued(edit("a", "secret")),
      queued(react("a", "👍")),
      queued(edit("b", "keep")),
    ];
    expect(staleAfterDelete(outbox, "a")).toEqual([outbox[0]?.clientId, outbox[1]?.clientId]);
  });
});

describe("stored operations", () => {
  it("every kind survives a reload, and entries written before operations load as sends", () => {
    const local = new MemoryStorage();
    const storage = webOutboxStorage(local, noEvents);
    const ops = [queued(edit("a", "x")), queued(del("b")), queued(react("c", "👍"))];
    for (const op of ops) storage.put(op);
    // Today's shape, as the previous version wrote it: no kind, a text.
    local.setItem(
      "scrollback:outbox:v2:general:old-entry",
      JSON.stringify({
        clientId: "old-entry",
        room: "general",
        text: "written before the upgrade",
        createdAt: "2024-12-31T00:00:00.000Z",
        state: "pending",
      }),
    );
    // Unreadable: a kind this version does not know.
    local.setItem(
      "scrollback:outbox:v2:general:future",
      JSON.stringify({ ...ops[0], clientId: "future", kind: "pin" }),
    );
    const reloaded = webOutboxStorage(local, noEvents).load("general");
    expect(describeOps(reloaded)).toEqual([
      "send written before the upgrade",
      "edit a x",
      "delete b",
      "react c 👍",
    ]);
  });
});

function message(id: string, patch: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id,
    room: "general",
    seq: 1,
    rev: 1,
    clientId: `c-${id}`,
    author: { id: "me", name: "Me" },
    text: "original",
    createdAt: "2025-01-01T00:00:00.000Z",
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
    ...patch,
  };
}

describe("showMessages: own pending changes shown at once", () => {
  it.each<[string, ChatMessage, ChangeRequest[], Partial<ReturnType<typeof showMessages>[number]>]>(
    [
      ["nothing waiting", message("a"), [], { text: "original", pending: false, reactions: [] }],
      ["an edit", message("a"), [edit("a", "fixed")], { text: "fixed", pending: true }],
      ["a delete", message("a"), [del("a")], { text: "", deleted: true, pending: true }],
      [
        "a first reaction",
        message("a"),
        [react("a", "👍")],
        { reactions: [{ emoji: "👍", count: 1, me: true }], pending: true },
      ],
      [
        "joining others' reaction",
        message("a", { reactions: [{ emoji: "👍", count: 2 }] }),
        [react("a", "👍")],
        { reactions: [{ emoji: "👍", count: 3, me: true }] },
      ],
      [
        "taking one's only reaction back",
        message("a", { reactions: [{ emoji: "👍", count: 1, me: true }] }),
        [unreact("a", "👍")],
        { reactions: [] },
      ],
      [
        "taking back a reaction that is not one's own changes nothing",
        message("a", { reactions: [{ emoji: "👍", count: 1, me: false }] }),
        [unreact("a", "👍")],
        { reactions: [{ emoji: "👍", count: 1, me: false }] },
      ],
      [
        "a message deleted by its author ignores pending edits",
        message("a", { deleted: true, text: "" }),
        [edit("a", "x")],
        { text: "", deleted: true },
      ],
    ],
  )("%s", (_name, stored, changes, expected) => {
    const [shown] = showMessages(
      [stored],
      changes.map((c) => queued(c)),
    );
    expect(shown).toMatchObject(expected);
  });

  it("a message with nothing waiting is the same object every time, for React", () => {
    const stored = message("a");
    expect(showMessages([stored], [])[0]).toBe(showMessages([stored], [])[0]);
  });
});
