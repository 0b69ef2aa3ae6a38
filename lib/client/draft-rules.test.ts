import { describe, expect, it } from "vitest";
import { messageTextSchema } from "../shared/protocol";
import { canSendWith, checkDraft, draftNote, sendNote, withRestored } from "./draft-rules";

describe("checkDraft", () => {
  it.each([
    ["", "empty", null],
    ["   \n\t", "blank", /Only spaces/],
    ["hello", null, null],
    ["x".repeat(4000), null, null],
    ["😀".repeat(4000), null, null],
    ["x".repeat(4001), "too_long", /^1 character over the limit of 4000/],
    ["😀".repeat(4010), "too_long", /^10 characters over/],
  ])("%#: %j is %s", (text, problem, note) => {
    const check = checkDraft(text);
    expect(check.problem).toBe(problem);
    const said = draftNote(check);
    if (note) expect(said).toMatch(note);
    else expect(said).toBeNull();
  });

  it("refuses the blank and over-long texts the server refuses, and only those", () => {
    for (const text of [
      "",
      " ",
      "\n",
      "a",
      " a ",
      "x".repeat(4000),
      "x".repeat(4001),
      `${" ".repeat(4000)}x`,
    ]) {
      expect(checkDraft(text).problem === null).toBe(messageTextSchema.safeParse(text).success);
    }
  });
});

describe("withRestored", () => {
  it.each([
    ["", "not sent", "not sent"],
    ["  ", "not sent", "not sent"],
    ["begun since", "not sent", "not sent\nbegun since"],
  ])("%j + %j is %j", (draft, restored, expected) => {
    expect(withRestored(draft, restored)).toBe(expected);
  });
});

describe("sending with files", () => {
  it.each<[string, string, { count: number; blocked: boolean }, boolean, RegExp | null]>([
    ["text, no files", "hi", { count: 0, blocked: false }, true, null],
    ["empty box, no files", "", { count: 0, blocked: false }, false, null],
    ["empty box with a file", "", { count: 1, blocked: false }, true, null],
    ["spaces with a file: no note", "  ", { count: 1, blocked: false }, true, null],
    [
      "too long with a file",
      "x".repeat(4001),
      { count: 1, blocked: false },
      false,
      /over the limit/,
    ],
    ["a failed file", "hi", { count: 1, blocked: true }, false, /Retry or remove/],
  ])("%s", (_name, text, files, sendable, note) => {
    const check = checkDraft(text);
    expect(canSendWith(check, files)).toBe(sendable);
    const said = sendNote(check, files);
    if (note) expect(said).toMatch(note);
    else expect(said).toBeNull();
  });
});
