import { describe, expect, it } from "vitest";
import type { Attachment } from "../shared/protocol";
import type { OutboxFile } from "./outbox";
import { FILES_LOST_TEXT, type FilesVerdict, filesVerdict } from "./outbox-files";
import type { PendingFile } from "./upload-state";

const attachment = (id: string): Attachment => ({
  id,
  name: `${id}.png`,
  size: 1,
  type: "image/png",
});
const file = (localId: string, uploaded?: Attachment): OutboxFile => ({
  localId,
  name: `${localId}.png`,
  size: 1,
  type: "image/png",
  ...(uploaded ? { attachment: uploaded } : {}),
});
const upload = (localId: string, status: PendingFile["status"], extra: Partial<PendingFile> = {}) =>
  ({
    localId,
    name: `${localId}.png`,
    size: 1,
    type: "image/png",
    status,
    sent: 0,
    ...extra,
  }) as PendingFile;

function verdict(
  files: OutboxFile[],
  uploads: PendingFile[],
  options: { page?: string; ownerOpen?: boolean } = {},
): FilesVerdict {
  const here = { page: "P", get: (id: string) => uploads.find((u) => u.localId === id) };
  return filesVerdict({ files, page: options.page ?? "P" }, here, options.ownerOpen ?? false);
}

describe("an outbox entry's files", () => {
  it.each<[string, OutboxFile[], PendingFile[], { page?: string; ownerOpen?: boolean }, unknown]>([
    ["no files: ready as it is", [], [], {}, { kind: "ready", files: [], changed: false }],
    [
      "all recorded: ready as it is",
      [file("a", attachment("1"))],
      [],
      { page: "other" },
      { kind: "ready", changed: false },
    ],
    ["still uploading here: wait", [file("a")], [upload("a", "uploading")], {}, { kind: "wait" }],
    ["queued here: wait", [file("a")], [upload("a", "queued")], {}, { kind: "wait" }],
    [
      "done here: ready, with the attachments to record",
      [file("a", attachment("1")), file("b")],
      [upload("b", "done", { attachment: attachment("2") })],
      {},
      {
        kind: "ready",
        changed: true,
        files: [file("a", attachment("1")), file("b", attachment("2"))],
      },
    ],
    [
      "one done and one uploading: wait",
      [file("a"), file("b")],
      [upload("a", "done", { attachment: attachment("1") }), upload("b", "uploading")],
      {},
      { kind: "wait" },
    ],
    [
      "failed here: failed with the reason, retriable",
      [file("a")],
      [upload("a", "failed", { reason: "too big" })],
      {},
      { kind: "failed", reason: "a.png was not uploaded: too big", lost: false },
    ],
    [
      "cancelled here: failed for good",
      [file("a")],
      [upload("a", "cancelled")],
      {},
      { kind: "failed", lost: true },
    ],
    [
      "unknown here although this page made it (a reload): lost",
      [file("a")],
      [],
      {},
      { kind: "failed", reason: FILES_LOST_TEXT, lost: true },
    ],
    [
      "another page's, still open: wait for it",
      [file("a")],
      [],
      { page: "other", ownerOpen: true },
      { kind: "wait" },
    ],
    [
      "another page's, closed: lost",
      [file("a")],
      [],
      { page: "other", ownerOpen: false },
      { kind: "failed", reason: FILES_LOST_TEXT, lost: true },
    ],
  ])("%s", (_name, files, uploads, options, expected) => {
    expect(verdict(files, uploads, options)).toMatchObject(expected as object);
  });
});
