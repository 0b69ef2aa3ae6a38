import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChatMessage, ReactionCount } from "../shared/protocol";
import { pickCopy, withOwnReaction } from "./reconcile";
import { emptyTimeline, mergeMessages } from "./timeline";

/** A copy of message `seq` in the state it had at `rev`. */
function copy(
  seq: number,
  rev: number,
  patch: Partial<Omit<ChatMessage, "seq" | "rev">> = {},
): ChatMessage {
  return {
    id: `id-${seq}`,
    room: "general",
    seq,
    rev,
    clientId: `c-${seq}`,
    author: { id: "u-1", name: "Ana" },
    text: `text ${seq} at ${rev}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
    ...patch,
  };
}

const deleted = (seq: number, rev: number) => copy(seq, rev, { deleted: true, text: "" });
const thumbs = (count: number, me?: boolean): ReactionCount =>
  me === undefined ? { emoji: "👍", count } : { emoji: "👍", count, me };

describe("pickCopy", () => {
  it.each<[string, ChatMessage, ChatMessage, "held" | "incoming"]>([
    ["a newer edit replaces the held copy", copy(1, 1), copy(1, 4), "incoming"],
    ["an older copy is ignored", copy(1, 4), copy(1, 1), "held"],
    ["the same rev is ignored", copy(1, 3), copy(1, 3, { text: "other" }), "held"],
    ["a delete replaces the held copy", copy(1, 2), deleted(1, 5), "incoming"],
    ["a stale live copy never undoes a delete", deleted(1, 5), copy(1, 2), "held"],
    [
      "not even a live copy claiming a higher rev undoes a delete",
      deleted(1, 5),
      copy(1, 9),
      "held",
    ],
    ["a later copy of a tombstone is taken", deleted(1, 5), deleted(1, 6), "incoming"],
  ])("%s", (_name, held, incoming, expected) => {
    const kept = pickCopy(held, incoming);
    const want = expected === "held" ? held : incoming;
    expect({ ...kept, reactions: [] }).toEqual({ ...want, reactions: [] });
  });

  it("a newer copy without `me` keeps what was known for emoji still there, false for new ones", () => {
    const held = copy(1, 2, { reactions: [thumbs(1, true), { emoji: "🎉", count: 1, me: false }] });
    const incoming = copy(1, 3, { reactions: [thumbs(2), { emoji: "❤️", count: 1 }] });
    expect(pickCopy(held, incoming).reactions).toEqual([
      thumbs(2, true),
      { emoji: "❤️", count: 1, me: false },
    ]);
  });

  it("a copy that says `me` (an answer to one's own request) is believed, even at the same rev", () => {
    const held = copy(1, 3, { reactions: [thumbs(1, false)] });
    expect(pickCopy(held, copy(1, 3, { reactions: [thumbs(1, true)] })).reactions).toEqual([
      thumbs(1, true),
    ]);
    expect(pickCopy(held, copy(1, 4, { reactions: [thumbs(2, true)] })).reactions).toEqual([
      thumbs(2, true),
    ]);
  });

  it("a broadcast reaction by this person sets `me` on that emoji only", () => {
    const message = copy(1, 3, { reactions: [thumbs(2), { emoji: "🎉", count: 1 }] });
    const mine = withOwnReaction(message, { emoji: "👍", userId: "me", added: true }, "me");
    expect(mine.reactions).toEqual([thumbs(2, true), { emoji: "🎉", count: 1 }]);
    expect(withOwnReaction(message, { emoji: "👍", userId: "other", added: true }, "me")).toBe(
      message,
    );
  });
});

/**
 * The server's history of one message: its state after each of its changes,
 * revs increasing; once deleted it stays deleted (later changes are no-ops
 * that take no rev, so a tombstone has the last rev).
 */
const messageHistory = (seq: number) =>
  fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
    )
    .map(([revs, endsDeleted]) => {
      const sorted = [...revs].sort((a, b) => a - b);
      return sorted.map((rev, i) =>
        endsDeleted && i === sorted.length - 1 ? deleted(seq, rev) : copy(seq, rev),
      );
    });

describe("mergeMessages reconciles copies", () => {
  it("any order and duplication of copies converges to each message's highest-rev copy", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 })
          .chain((seqs) => fc.tuple(...[...new Set(seqs)].map(messageHistory))),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 100 }),
        (histories, duplicates, batch, order) => {
          const all = histories.flat();
          const delivered = [...all, ...duplicates.map((i) => all[i % all.length] as ChatMessage)];
          // Any delivery order: sorted by a random key per copy.
          const shuffled = delivered
            .map((m, index) => ({ m, key: order[index % order.length] ?? 0, index }))
            .sort((a, b) => a.key - b.key || a.index - b.index)
            .map(({ m }) => m);
          let timeline = emptyTimeline;
          for (let i = 0; i < shuffled.length; i += batch)
            timeline = mergeMessages(timeline, shuffled.slice(i, i + batch));
          const newest = histories
            .map((h) => h.at(-1) as ChatMessage)
            .sort((a, b) => a.seq - b.seq);
          expect(timeline.messages.map((m) => ({ ...m, reactions: [] }))).toEqual(newest);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a tombstone stays one whatever arrives after it", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 10 }), (laterRevs) => {
        let timeline = mergeMessages(emptyTimeline, [deleted(1, 50)]);
        for (const rev of laterRevs) timeline = mergeMessages(timeline, [copy(1, rev)]);
        expect(timeline.messages).toEqual([deleted(1, 50)]);
      }),
    );
  });

  it("a replaced copy keeps the timeline's shape: same seqs, same gaps", () => {
    const start = mergeMessages(emptyTimeline, [copy(1, 1), copy(2, 2), copy(4, 4)]);
    const edited = mergeMessages(start, [copy(2, 7, { text: "fixed" })]);
    expect(edited.messages.map((m) => [m.seq, m.text])).toEqual([
      [1, "text 1 at 1"],
      [2, "fixed"],
      [4, "text 4 at 4"],
    ]);
    expect(edited.contiguousSeq).toBe(start.contiguousSeq);
    expect(mergeMessages(edited, [copy(2, 3)])).toBe(edited);
  });
});
