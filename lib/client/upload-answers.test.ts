import { describe, expect, it } from "vitest";
import { failureReason, finishedAttachment, worthRetrying } from "./upload-answers";

describe("upload answers", () => {
  const attachment = { id: "0f-1", name: "a.png", size: 3, type: "image/png", width: 1, height: 2 };

  it.each<[string, string | undefined, unknown]>([
    ["the attachment of a finished upload", JSON.stringify({ attachment }), attachment],
    ["nothing in an empty body", "", null],
    ["nothing in a body that is not JSON", "<html>", null],
    ["nothing when the attachment lacks fields", JSON.stringify({ attachment: { id: "x" } }), null],
    [
      "nothing when a field has the wrong type",
      JSON.stringify({ attachment: { ...attachment, width: "1" } }),
      null,
    ],
  ])("reads %s", (_name, body, expected) => {
    expect(finishedAttachment(body)).toEqual(expected);
  });

  it.each<[number, boolean]>([
    [0, true],
    [409, true],
    [423, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [403, false],
    [413, false],
    [415, false],
  ])("status %i is worth retrying: %s", (status, expected) => {
    expect(worthRetrying(status)).toBe(expected);
  });

  it.each<[string, Parameters<typeof failureReason>[0], string]>([
    [
      "the server's reason in the body",
      { status: 413, body: JSON.stringify({ code: "too_large", message: "Over 25 MB." }) },
      "Over 25 MB.",
    ],
    [
      "the server's reason in the header",
      { status: 429, header: JSON.stringify({ code: "quota", message: "Quota used up." }) },
      "Quota used up.",
    ],
    [
      "the server's reason in the URI-encoded header",
      {
        status: 429,
        header: encodeURIComponent(JSON.stringify({ code: "rate_limited", message: "Slow down." })),
      },
      "Slow down.",
    ],
    ["a plain header", { status: 400, header: "bad metadata" }, "bad metadata"],
    ["a dropped link", { status: 0 }, "The link to the server dropped."],
    ["a bare 413", { status: 413, body: "" }, "The file is too large."],
    ["a bare 403", { status: 403 }, "You may not upload files to this room."],
    ["anything else", { status: 502 }, "The server could not take the file (502)."],
  ])("says %s", (_name, answer, expected) => {
    expect(failureReason(answer)).toBe(expected);
  });
});
