import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../shared/protocol";
import {
  AT_TAIL,
  pinned,
  type Slice,
  sliceAt,
  slideDown,
  slideUp,
  type WindowLimits,
  type WindowPosition,
} from "./message-window";

const LIMITS: WindowLimits = { size: 10, step: 4 };

function held(from: number, to: number): ChatMessage[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => ({
    id: `id-${from + i}`,
    room: "r",
    seq: from + i,
    clientId: `c-${from + i}`,
    author: { id: "a", name: "A" },
    text: "t",
    createdAt: "2025-01-01T00:00:00.000Z",
    rev: 1,
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
  }));
}

const seqsIn = (messages: ChatMessage[], slice: Slice) =>
  messages.slice(slice.start, slice.end).map((m) => m.seq);

describe("sliceAt", () => {
  it.each<[string, ChatMessage[], WindowPosition, [number, number] | null]>([
    // case, held, position, [first seq, last seq] shown
    ["nothing held", [], AT_TAIL, null],
    ["fewer than the size: all of them", held(1, 6), AT_TAIL, [1, 6]],
    ["at the tail of many", held(1, 50), AT_TAIL, [41, 50]],
    ["from a seq", held(1, 50), { tail: false, fromSeq: 20 }, [20, 29]],
    [
      "from a seq near the end: still a full page",
      held(1, 50),
      { tail: false, fromSeq: 45 },
      [41, 50],
    ],
    [
      "from a seq no longer held: the next one",
      held(30, 50),
      { tail: false, fromSeq: 12 },
      [30, 39],
    ],
    [
      "pinned from a seq, older messages loaded since",
      held(1, 30),
      { tail: false, fromSeq: 21 },
      [21, 30],
    ],
  ])("%s", (_case, messages, position, expected) => {
    const slice = sliceAt(messages, position, LIMITS);
    const seqs = seqsIn(messages, slice);
    expect(seqs.length > 0 ? [seqs[0], seqs.at(-1)] : null).toEqual(expected);
  });
});

describe("sliding", () => {
  it("slides up by a step, then stops at the oldest held", () => {
    const messages = held(1, 50);
    let slice = sliceAt(messages, AT_TAIL, LIMITS);
    const shown: number[] = [];
    for (;;) {
      const position = slideUp(messages, slice, LIMITS);
      if (!position) break;
      slice = sliceAt(messages, position, LIMITS);
      shown.push(messages[slice.start]?.seq ?? -1);
    }
    expect(shown).toEqual([37, 33, 29, 25, 21, 17, 13, 9, 5, 1]);
  });

  it("slides down by a step, and returns to the tail at the newest", () => {
    const messages = held(1, 30);
    let position: WindowPosition | null = { tail: false, fromSeq: 1 };
    const seen: WindowPosition[] = [];
    while (position) {
      seen.push(position);
      position = slideDown(messages, sliceAt(messages, position, LIMITS), LIMITS);
    }
    expect(seen).toEqual([
      { tail: false, fromSeq: 1 },
      { tail: false, fromSeq: 5 },
      { tail: false, fromSeq: 9 },
      { tail: false, fromSeq: 13 },
      { tail: false, fromSeq: 17 },
      AT_TAIL,
    ]);
  });

  it("pinning keeps the slice where it is as new messages arrive", () => {
    const before = held(1, 20);
    const position = pinned(before, sliceAt(before, AT_TAIL, LIMITS));
    const after = held(1, 25);
    expect(seqsIn(after, sliceAt(after, position, LIMITS))).toEqual(
      seqsIn(before, sliceAt(before, AT_TAIL, LIMITS)),
    );
  });

  it("never shows more than the size, always a contiguous run, and every slide moves towards its edge", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.constantFrom("up", "down", "grow", "prepend"), { maxLength: 30 }),
        (count, moves) => {
          let first = 1000;
          let last = 1000 + count - 1;
          let position: WindowPosition = AT_TAIL;
          for (const move of moves) {
            let messages = held(first, last);
            const slice = sliceAt(messages, position, LIMITS);
            if (move === "up") {
              const next = slideUp(messages, slice, LIMITS);
              if (next) {
                expect(sliceAt(messages, next, LIMITS).start).toBeLessThan(slice.start);
                position = next;
              } else expect(slice.start).toBe(0);
            } else if (move === "down") {
              const next = slideDown(messages, slice, LIMITS);
              if (next) {
                expect(sliceAt(messages, next, LIMITS).end).toBeGreaterThan(slice.end);
                position = next;
              } else expect(slice.end).toBe(messages.length);
            } else if (move === "grow") last += 3;
            else first -= 5;
            messages = held(first, last);
            const now = sliceAt(messages, position, LIMITS);
            expect(now.end - now.start).toBeLessThanOrEqual(LIMITS.size);
            expect(now.end - now.start).toBe(Math.min(LIMITS.size, messages.length));
          }
        },
      ),
    );
  });
});
