import { describe, expect, it } from "vitest";
import type { Attachment } from "../shared/protocol";
import {
  chooseFiles,
  humanSize,
  type PendingFile,
  percentOf,
  reduceUpload,
  type UploadEvent,
} from "./upload-state";

const attachment: Attachment = { id: "u1", name: "cat.png", size: 100, type: "image/png" };
const added: UploadEvent = {
  type: "added",
  localId: "a",
  name: "cat.png",
  size: 100,
  fileType: "image/png",
};

function run(...events: UploadEvent[]): PendingFile[] {
  return events.reduce<PendingFile[]>(reduceUpload, []);
}

describe("upload state", () => {
  it.each<[string, UploadEvent[], Partial<PendingFile> | null]>([
    ["a new file waits its turn", [added], { status: "queued", sent: 0 }],
    ["it starts", [added, { type: "started", localId: "a" }], { status: "uploading" }],
    [
      "progress counts the bytes sent",
      [added, { type: "progress", localId: "a", sent: 40 }],
      { status: "uploading", sent: 40 },
    ],
    [
      "progress never goes backwards (a resume reports the server's offset)",
      [
        added,
        { type: "progress", localId: "a", sent: 60 },
        { type: "progress", localId: "a", sent: 30 },
      ],
      { sent: 60 },
    ],
    [
      "progress is capped at the size",
      [added, { type: "progress", localId: "a", sent: 500 }],
      { sent: 100 },
    ],
    [
      "done carries the attachment",
      [added, { type: "finished", localId: "a", attachment }],
      { status: "done", sent: 100, attachment },
    ],
    [
      "a failure keeps its reason",
      [added, { type: "failed", localId: "a", reason: "too big" }],
      { status: "failed", reason: "too big" },
    ],
    [
      "retry after a failure queues it again without the reason",
      [
        added,
        { type: "failed", localId: "a", reason: "offline" },
        { type: "retried", localId: "a" },
      ],
      { status: "queued" },
    ],
    [
      "retry does nothing to an upload that did not fail",
      [added, { type: "progress", localId: "a", sent: 10 }, { type: "retried", localId: "a" }],
      { status: "uploading" },
    ],
    [
      "a late progress report after a cancel changes nothing",
      [added, { type: "cancelled", localId: "a" }, { type: "progress", localId: "a", sent: 50 }],
      { status: "cancelled", sent: 0 },
    ],
    [
      "a success that races a cancel loses",
      [added, { type: "cancelled", localId: "a" }, { type: "finished", localId: "a", attachment }],
      { status: "cancelled" },
    ],
    [
      "a finished upload stays finished when cancelled late",
      [added, { type: "finished", localId: "a", attachment }, { type: "cancelled", localId: "a" }],
      { status: "done" },
    ],
    [
      "a failure after success is ignored",
      [
        added,
        { type: "finished", localId: "a", attachment },
        { type: "failed", localId: "a", reason: "x" },
      ],
      { status: "done" },
    ],
    ["removed is gone", [added, { type: "removed", localId: "a" }], null],
    ["events about an unknown file change nothing", [{ type: "started", localId: "zz" }], null],
  ])("%s", (_name, events, expected) => {
    const [file] = run(...events);
    if (expected === null) expect(file).toBeUndefined();
    else expect(file).toMatchObject(expected);
  });

  it("retry drops the reason of the failure", () => {
    const [file] = run(
      added,
      { type: "failed", localId: "a", reason: "offline" },
      { type: "retried", localId: "a" },
    );
    expect(file && "reason" in file).toBe(false);
  });

  it("adding the same file twice keeps one", () => {
    expect(run(added, added)).toHaveLength(1);
  });

  it.each<[PendingFile["status"], number, number, number]>([
    ["uploading", 0, 100, 0],
    ["uploading", 49, 100, 49],
    ["uploading", 999, 1000, 99],
    ["done", 0, 0, 100],
    ["uploading", 0, 0, 0],
  ])("%s with %i of %i bytes is %i%%", (status, sent, size, percent) => {
    expect(percentOf({ status, sent, size })).toBe(percent);
  });
});

describe("choosing files", () => {
  const limits = { maxFiles: 3, maxBytes: 1000 };
  it("accepts files within the limits and refuses the rest with a reason", () => {
    const choice = chooseFiles(
      [
        { name: "a", size: 10 },
        { name: "empty", size: 0 },
        { name: "huge", size: 1001 },
        { name: "b", size: 1000 },
        { name: "c", size: 5 },
      ],
      1,
      limits,
    );
    expect(choice.accepted).toEqual([0, 3]);
    expect(choice.refused).toEqual([
      { name: "empty", reason: "The file is empty." },
      { name: "huge", reason: "The file is larger than 1000 bytes." },
      { name: "c", reason: "A message can carry at most 3 files." },
    ]);
  });
});

describe("human sizes", () => {
  it.each<[number, string]>([
    [0, "0 bytes"],
    [1, "1 byte"],
    [1023, "1023 bytes"],
    [1536, "1.5 KB"],
    [25 * 1024 * 1024, "25 MB"],
    [3 * 1024 ** 3, "3 GB"],
    [5 * 1024 ** 4, "5120 GB"],
  ])("%i is %s", (bytes, text) => {
    expect(humanSize(bytes)).toBe(text);
  });
});
