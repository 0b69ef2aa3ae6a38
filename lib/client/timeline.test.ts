import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../shared/protocol";
import {
  emptyTimeline,
  hasOlder,
  mergeMessages,
  missingAfter,
  noteLatestSeq,
  noteRoomStart,
  type Timeline,
} from "./timeline";

/** The one stored message with this seq: every copy of it (page, live event, ack) is equal. */
function message(seq: number): ChatMessage {
  return {
    id: `id-${seq}`,
    room: "general",
    seq,
    clientId: `c-${seq}`,
    author: { id: `u-${seq % 3}`, name: `User ${seq % 3}` },
    text: `message ${seq}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
    rev: 1,
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
  };
}

const messages = (...seqs: number[]) => seqs.map(message);
const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

function holding(...seqs: number[]): Timeline {
  return mergeMessages(emptyTimeline, messages(...seqs));
}

const seqsOf = (timeline: Timeline) => timeline.messages.map((m) => m.seq);

describe("mergeMessages", () => {
  it.each<[string, Timeline, number[], number[], number, number]>([
    // name, start, incoming seqs, held seqs afterwards, contiguousSeq, knownLatestSeq
    ["nothing into nothing", emptyTimeline, [], [], 0, 0],
    ["a first page", emptyTimeline, [1, 2, 3], [1, 2, 3], 3, 3],
    ["the newest page of a long room", emptyTimeline, [48, 49, 50], [48, 49, 50], 50, 50],
    ["the next live message", holding(1, 2, 3), [4], [1, 2, 3, 4], 4, 4],
    ["a live message after a gap", holding(1, 2, 3), [5], [1, 2, 3, 5], 3, 5],
    ["the missing message fills the gap", holding(1, 2, 3, 5), [4], [1, 2, 3, 4, 5], 5, 5],
    ["a live message while a gap is open", holding(1, 2, 3, 5), [6], [1, 2, 3, 5, 6], 3, 6],
    ["an older page before the newest", holding(48, 49, 50), [45, 46, 47], range(45, 50), 50, 50],
    ["an overlapping page", holding(1, 2), [2, 3], [1, 2, 3], 3, 3],
    ["an unsorted batch", emptyTimeline, [3, 1, 2], [1, 2, 3], 3, 3],
    ["a batch that repeats a message", holding(1, 2, 3), [4, 4], [1, 2, 3, 4], 4, 4],
    ["a catch-up page after a gap", holding(1, 2, 3, 9), range(4, 8), range(1, 9), 9, 9],
    ["a page that leaves a gap", holding(1, 2, 3, 9), [4, 5], [1, 2, 3, 4, 5, 9], 5, 9],
  ])("%s", (_name, start, incoming, held, contiguousSeq, knownLatestSeq) => {
    const merged = mergeMessages(start, messages(...incoming));
    expect(seqsOf(merged)).toEqual(held);
    expect(merged.contiguousSeq).toBe(contiguousSeq);
    expect(merged.knownLatestSeq).toBe(knownLatestSeq);
  });

  it("returns the same timeline when nothing is new, so views do not re-render", () => {
    const timeline = holding(1, 2, 3);
    expect(mergeMessages(timeline, [])).toBe(timeline);
    expect(mergeMessages(timeline, messages(2, 3))).toBe(timeline);
    expect(mergeMessages(timeline, messages(3, 1))).toBe(timeline);
  });

  it("keeps the copy it already holds when the same seq arrives again", () => {
    const held = holding(1);
    const again = { ...message(1), text: "a different copy" };
    expect(mergeMessages(held, [again]).messages[0]?.text).toBe("message 1");
  });

  it("does not change the timeline it was given", () => {
    const timeline = holding(1, 2, 3, 5);
    const before = structuredClone(timeline);
    mergeMessages(timeline, messages(4, 6));
    mergeMessages(timeline, messages(7));
    expect(timeline).toEqual(before);
  });
});

describe("noteLatestSeq and missingAfter", () => {
  it.each<[string, Timeline, number, number | null]>([
    ["nothing held, empty room", emptyTimeline, 0, null],
    ["nothing held, the room has messages", emptyTimeline, 7, 0],
    ["all held", holding(1, 2, 3), 3, null],
    ["newer messages exist", holding(1, 2, 3), 10, 3],
    ["a join that reports less than is held", holding(1, 2, 3), 2, null],
    ["a hole in the middle", holding(1, 2, 4), 4, 2],
    ["the newest page, nothing newer", holding(48, 49, 50), 50, null],
  ])("%s", (_name, timeline, latestSeq, missing) => {
    expect(missingAfter(noteLatestSeq(timeline, latestSeq))).toBe(missing);
  });

  it("never lowers what is known to exist", () => {
    const timeline = noteLatestSeq(holding(1), 9);
    expect(noteLatestSeq(timeline, 4)).toBe(timeline);
    expect(noteLatestSeq(timeline, 9)).toBe(timeline);
    expect(mergeMessages(timeline, messages(2)).knownLatestSeq).toBe(9);
  });
});

describe("noteRoomStart", () => {
  const fromStart = noteRoomStart(emptyTimeline);

  it.each<[string, Timeline, number[], number, number | null]>([
    // name, start, incoming seqs, contiguousSeq, missingAfter
    ["an empty room, then the next message", fromStart, [1], 1, null],
    ["an empty room, then a message that skips one", fromStart, [2], 0, 0],
    ["an empty room, then two that skip", fromStart, [3, 4], 0, 0],
    [
      "not known to be the start: the first message held starts the run",
      emptyTimeline,
      [3],
      3,
      null,
    ],
    ["the start, and the first page", fromStart, [1, 2, 3], 3, null],
  ])("%s", (_name, start, incoming, contiguousSeq, missing) => {
    const merged = mergeMessages(start, messages(...incoming));
    expect(merged.contiguousSeq).toBe(contiguousSeq);
    expect(missingAfter(merged)).toBe(missing);
  });

  it("counts from the room's start when noted after messages arrived", () => {
    const timeline = noteRoomStart(holding(2, 3));
    expect(timeline.contiguousSeq).toBe(0);
    expect(missingAfter(timeline)).toBe(0);
    expect(mergeMessages(timeline, messages(1)).contiguousSeq).toBe(3);
  });

  it("is idempotent", () => {
    const timeline = noteRoomStart(holding(1, 2));
    expect(noteRoomStart(timeline)).toBe(timeline);
  });
});

describe("hasOlder", () => {
  it.each<[string, Timeline, boolean]>([
    ["nothing held", emptyTimeline, false],
    ["from the first message", holding(1, 2), false],
    ["the newest page of a long room", holding(48, 49, 50), true],
    ["missing, not older, when the start is known", noteRoomStart(holding(3, 4)), false],
  ])("%s", (_name, timeline, expected) => {
    expect(hasOlder(timeline)).toBe(expected);
  });
});

// --- properties -------------------------------------------------------------

/** Something a client can receive about one room. */
type Delivery =
  | { kind: "page"; seqs: number[] } // room:join, history:after or history:before
  | { kind: "live"; seq: number } // message:created
  | { kind: "ack"; seq: number } // message:send's acknowledgement, or a resend's duplicate
  | { kind: "latest"; seq: number } // room:join's latestSeq
  | { kind: "start" }; // a first room:join page with nothing before it

const MAX_SEQ = 40;

const seqArb = fc.integer({ min: 1, max: MAX_SEQ });
const deliveryArb: fc.Arbitrary<Delivery> = fc.oneof(
  fc.tuple(seqArb, fc.integer({ min: 0, max: 12 })).map(([from, length]) => ({
    kind: "page" as const,
    seqs: range(from, Math.min(MAX_SEQ, from + length)),
  })),
  seqArb.map((seq) => ({ kind: "live" as const, seq })),
  seqArb.map((seq) => ({ kind: "ack" as const, seq })),
  fc.integer({ min: 0, max: MAX_SEQ }).map((seq) => ({ kind: "latest" as const, seq })),
  fc.constant({ kind: "start" as const }),
);

const deliveriesArb = fc.array(deliveryArb, { maxLength: 30 });

/** The same deliveries twice: as generated and in another order, duplicates and all. */
const twoOrdersArb = deliveriesArb.chain((deliveries) =>
  fc
    .shuffledSubarray(deliveries, { minLength: deliveries.length, maxLength: deliveries.length })
    .map((shuffled) => [deliveries, shuffled] as const),
);

function apply(timeline: Timeline, delivery: Delivery): Timeline {
  switch (delivery.kind) {
    case "page":
      return mergeMessages(timeline, messages(...delivery.seqs));
    case "live":
    case "ack":
      return mergeMessages(timeline, [message(delivery.seq)]);
    case "latest":
      return noteLatestSeq(timeline, delivery.seq);
    case "start":
      return noteRoomStart(timeline);
  }
}

const applyAll = (deliveries: readonly Delivery[], from: Timeline = emptyTimeline) =>
  deliveries.reduce(apply, from);

/** What the timeline must be after these deliveries, computed the slow and obvious way. */
function model(deliveries: readonly Delivery[]) {
  const held = new Set<number>();
  let noted = 0;
  let fromStart = false;
  for (const delivery of deliveries) {
    if (delivery.kind === "page") for (const seq of delivery.seqs) held.add(seq);
    else if (delivery.kind === "latest") noted = Math.max(noted, delivery.seq);
    else if (delivery.kind === "start") fromStart = true;
    else held.add(delivery.seq);
  }
  const seqs = [...held].sort((a, b) => a - b);
  let contiguousSeq = fromStart || seqs.length === 0 ? 0 : (seqs[0] as number);
  while (held.has(contiguousSeq + 1)) contiguousSeq++;
  const knownLatestSeq = Math.max(noted, seqs.at(-1) ?? 0);
  return {
    seqs,
    contiguousSeq,
    knownLatestSeq,
    missingAfter: knownLatestSeq > contiguousSeq ? contiguousSeq : null,
  };
}

describe("merge properties", () => {
  it("any order of the same deliveries gives the same timeline", () => {
    fc.assert(
      fc.property(twoOrdersArb, ([inOrder, shuffled]) => {
        expect(applyAll(shuffled)).toEqual(applyAll(inOrder));
      }),
    );
  });

  it("holds every delivered message once, in seq order, with the right gap bookkeeping", () => {
    fc.assert(
      fc.property(deliveriesArb, (deliveries) => {
        const timeline = applyAll(deliveries);
        const expected = model(deliveries);
        expect(timeline.messages).toEqual(messages(...expected.seqs));
        expect(new Set(timeline.messages.map((m) => m.id)).size).toBe(timeline.messages.length);
        expect(timeline.contiguousSeq).toBe(expected.contiguousSeq);
        expect(timeline.knownLatestSeq).toBe(expected.knownLatestSeq);
        expect(missingAfter(timeline)).toBe(expected.missingAfter);
      }),
    );
  });

  it("is correct after every single delivery, not only at the end", () => {
    fc.assert(
      fc.property(deliveriesArb, (deliveries) => {
        let timeline = emptyTimeline;
        for (const [i, delivery] of deliveries.entries()) {
          timeline = apply(timeline, delivery);
          const expected = model(deliveries.slice(0, i + 1));
          expect(seqsOf(timeline)).toEqual(expected.seqs);
          expect(timeline.contiguousSeq).toBe(expected.contiguousSeq);
          expect(timeline.knownLatestSeq).toBe(expected.knownLatestSeq);
        }
      }),
    );
  });

  it("receiving everything again changes nothing", () => {
    fc.assert(
      fc.property(deliveriesArb, (deliveries) => {
        const once = applyAll(deliveries);
        const twice = applyAll(deliveries, once);
        expect(twice.messages).toBe(once.messages);
        expect(twice).toEqual(once);
      }),
    );
  });

  it("the fast path for messages newer than all held agrees with the general merge", () => {
    // A batch of newer messages is appended without sorting; putting a copy of a
    // held message in front of the same batch forces the general merge instead.
    const newerBatchArb = fc
      .tuple(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 5 }),
      )
      .map(([steps, start]) => ({ steps, start }));
    fc.assert(
      fc.property(deliveriesArb, newerBatchArb, (deliveries, { steps, start }) => {
        const timeline = applyAll(deliveries);
        const first = timeline.messages[0];
        fc.pre(first !== undefined);
        let seq = (timeline.messages.at(-1)?.seq ?? 0) + start;
        const batch = steps.map((step) => {
          seq += step;
          return message(seq);
        });
        const fast = mergeMessages(timeline, batch);
        const general = mergeMessages(timeline, [first as ChatMessage, ...batch]);
        expect(fast).toEqual(general);
        expect(seqsOf(fast)).toEqual([...seqsOf(timeline), ...batch.map((m) => m.seq)]);
      }),
    );
  });

  it("a catch-up that follows missingAfter ends with no gap, whatever arrived meanwhile", () => {
    // The server holds 1..latest; the client starts from any deliveries and keeps
    // fetching the page after missingAfter, as RoomClient does.
    fc.assert(
      fc.property(
        deliveriesArb,
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: MAX_SEQ }),
        (deliveries, pageSize, latest) => {
          const known = model(deliveries).knownLatestSeq;
          let timeline = noteLatestSeq(applyAll(deliveries), latest);
          const serverLatest = Math.max(latest, known);
          for (let after = missingAfter(timeline); after !== null; after = missingAfter(timeline)) {
            const page = range(after + 1, Math.min(serverLatest, after + pageSize));
            expect(page.length).toBeGreaterThan(0);
            timeline = mergeMessages(timeline, messages(...page));
          }
          const oldest = timeline.messages[0]?.seq ?? 1;
          expect(seqsOf(timeline)).toEqual(range(oldest, serverLatest));
          expect(timeline.contiguousSeq).toBe(serverLatest);
        },
      ),
    );
  });
});
