import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  displayNameSchema,
  historyAfterSchema,
  historyBeforeSchema,
  messageSendSchema,
  roomJoinSchema,
  toProtocolError,
  userRenameSchema,
} from "./index";

function codeOf(schema: z.ZodType, payload: unknown): string {
  const parsed = schema.safeParse(payload);
  return parsed.success ? "ok" : toProtocolError(parsed.error).code;
}

describe("message:send validation", () => {
  const valid = { room: "general", text: "hello", clientId: "abc-123_X" };

  it.each([
    ["a valid message", valid, "ok"],
    ["a payload that is not an object", "hello", "invalid_payload"],
    ["null", null, "invalid_payload"],
    ["a missing clientId", { room: "general", text: "hi" }, "invalid_payload"],
    ["a numeric text", { ...valid, text: 42 }, "invalid_payload"],
    ["a clientId with a space", { ...valid, clientId: "a b" }, "invalid_payload"],
    ["a clientId of 65 characters", { ...valid, clientId: "a".repeat(65) }, "invalid_payload"],
    ["a lone surrogate in the text", { ...valid, text: "bad \ud800 text" }, "invalid_payload"],
    ["a NUL character in the text", { ...valid, text: "before\u0000after" }, "invalid_payload"],
    ["an uppercase room", { ...valid, room: "General" }, "invalid_room"],
    ["a room starting with a dash", { ...valid, room: "-x" }, "invalid_room"],
    ["a room of 65 characters", { ...valid, room: "r".repeat(65) }, "invalid_room"],
    ["blank text", { ...valid, text: " \n\t " }, "empty_message"],
    ["empty text", { ...valid, text: "" }, "empty_message"],
    ["zero-width characters only", { ...valid, text: "\u200b\u200d\u2060" }, "empty_message"],
    [
      "Hangul fillers and a blank Braille pattern",
      { ...valid, text: "\u3164 \u2800" },
      "empty_message",
    ],
    ["4001 characters", { ...valid, text: "x".repeat(4001) }, "message_too_long"],
    [
      "a bad room and blank text: the room is reported",
      { ...valid, room: "BAD", text: " " },
      "invalid_room",
    ],
    [
      "a bad clientId and a bad room: the shape is reported",
      { ...valid, room: "BAD", clientId: "" },
      "invalid_payload",
    ],
    [
      "blank and too long cannot both hold; too long alone",
      { ...valid, text: `${" ".repeat(4000)}x` },
      "message_too_long",
    ],
  ])("%s → %s", (_name, payload, expected) => {
    expect(codeOf(messageSendSchema, payload)).toBe(expected);
  });

  it("counts length in code points: 4000 emoji are allowed, 4001 are not", () => {
    expect(codeOf(messageSendSchema, { ...valid, text: "😀".repeat(4000) })).toBe("ok");
    expect(codeOf(messageSendSchema, { ...valid, text: "😀".repeat(4001) })).toBe(
      "message_too_long",
    );
  });

  it("keeps the text verbatim and strips unknown keys", () => {
    const parsed = messageSendSchema.parse({
      ...valid,
      text: "  <b>x</b>  ",
      author: { id: "evil" },
    });
    expect(parsed).toEqual({ ...valid, text: "  <b>x</b>  ", attachments: [] });
  });

  const file = (n: number) => `0000000${n}-0000-4000-8000-000000000000`.slice(-36);
  it.each([
    ["files without text", { room: "general", clientId: "f", attachments: [file(1)] }, "ok"],
    ["files and blank text", { ...valid, text: " ", attachments: [file(1)] }, "ok"],
    ["no text and no files", { room: "general", clientId: "f", attachments: [] }, "empty_message"],
    ["ten files", { ...valid, attachments: Array.from({ length: 10 }, (_, i) => file(i)) }, "ok"],
    [
      "eleven files",
      { ...valid, attachments: Array.from({ length: 11 }, (_, i) => file(i)) },
      "invalid_attachment",
    ],
    ["a file named twice", { ...valid, attachments: [file(1), file(1)] }, "invalid_attachment"],
    ["an id that is no upload id", { ...valid, attachments: ["../etc"] }, "invalid_payload"],
  ])("attachments: %s → %s", (_name, payload, expected) => {
    expect(codeOf(messageSendSchema, payload)).toBe(expected);
  });

  it("answers blank text beside files as no text", () => {
    expect(
      messageSendSchema.parse({
        room: "general",
        clientId: "f",
        text: " \n",
        attachments: [file(1)],
      }),
    ).toEqual({ room: "general", clientId: "f", text: "", attachments: [file(1)] });
  });
});

describe("page sizes and cursors", () => {
  it.each([
    [undefined, 50],
    [1, 1],
    [0, 1],
    [-5, 1],
    [200, 200],
    [201, 200],
    [10_000, 200],
  ])("limit %s is used as %s", (limit, expected) => {
    expect(roomJoinSchema.parse({ room: "r", limit }).limit).toBe(expected);
  });

  it.each([
    ["a fractional limit", { room: "r", limit: 1.5 }],
    ["a string limit", { room: "r", limit: "10" }],
    ["a negative since", { room: "r", since: -1 }],
    ["a fractional since", { room: "r", since: 0.5 }],
    ["an infinite since", { room: "r", since: Number.POSITIVE_INFINITY }],
  ])("%s is invalid_payload", (_name, payload) => {
    expect(codeOf(roomJoinSchema, payload)).toBe("invalid_payload");
  });

  it("requires before and after to be non-negative integers", () => {
    expect(codeOf(historyBeforeSchema, { room: "r", before: 0 })).toBe("ok");
    expect(codeOf(historyBeforeSchema, { room: "r" })).toBe("invalid_payload");
    expect(codeOf(historyAfterSchema, { room: "r", after: -1 })).toBe("invalid_payload");
    expect(codeOf(historyAfterSchema, { room: "r", after: "3" })).toBe("invalid_payload");
  });
});

describe("display names", () => {
  it.each([
    ["Ana", "Ana"],
    ["  Ana Souza  ", "Ana Souza"],
    ["名前", "名前"],
    ["x".repeat(32), "x".repeat(32)],
  ])("accepts %j as %j", (input, expected) => {
    expect(displayNameSchema.parse(input)).toBe(expected);
  });

  it.each([
    ["decomposed accents as composed ones (NFC)", "Jose\u0301", "José"],
    ["runs of whitespace as one space", "Ana \u00a0 Souza", "Ana Souza"],
  ])("stores %s", (_case, input, expected) => {
    expect(displayNameSchema.parse(input)).toBe(expected);
  });

  it.each([
    ["empty", ""],
    ["only spaces", "   "],
    ["33 characters", "x".repeat(33)],
    ["a control character", "Ana\u0007"],
    ["a zero-width space", "A\u200bna"],
    ["a right-to-left override", "\u202eanA"],
    ["a bidi isolate", "\u2066Ana\u2069"],
    ["only a Hangul filler", "\u3164"],
    ["only the blank Braille pattern", "\u2800"],
    ["a Cyrillic letter among Latin ones", "Аlice"],
  ])(
    "rejects a name with %s as invalid_name, saying why without a field prefix",
    (_name, input) => {
      const result = userRenameSchema.safeParse({ name: input });
      expect(result.success).toBe(false);
      if (result.success) return;
      const error = toProtocolError(result.error);
      expect(error.code).toBe("invalid_name");
      expect(error.message).toMatch(/^(A name|This name) /);
    },
  );

  it.each([
    ["a lone surrogate", "Ana\udc00"],
    ["a number", 7],
  ])("rejects a name with %s as invalid_payload", (_name, input) => {
    const result = userRenameSchema.safeParse({ name: input });
    expect(result.success || toProtocolError(result.error).code).toBe("invalid_payload");
  });
});

describe("error messages", () => {
  const messageOf = (schema: z.ZodType, payload: unknown) => {
    const parsed = schema.safeParse(payload);
    return parsed.success ? "ok" : toProtocolError(parsed.error).message;
  };
  const valid = { room: "general", text: "hello", clientId: "abc-123_X" };

  it.each([
    ["too long a text", messageSendSchema, { ...valid, text: "x".repeat(4001) }],
    ["a blank text", messageSendSchema, { ...valid, text: "  " }],
    ["a bad room", messageSendSchema, { ...valid, room: "Not A Room" }],
    ["too long a name", userRenameSchema, { name: "x".repeat(33) }],
  ])("for %s, say what is wrong in words, without a field prefix", (_name, schema, payload) => {
    const message = messageOf(schema, payload);
    expect(message).not.toBe("ok");
    expect(message).not.toMatch(/^[\w.]+: /);
  });

  it("names the field after a message of zod's own, which does not", () => {
    expect(messageOf(messageSendSchema, { room: "general", text: "hi" })).toMatch(/ \(clientId\)$/);
  });
});
