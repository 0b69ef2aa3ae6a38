import { describe, expect, it } from "vitest";
import { messageTextSchema } from "../shared/protocol";
import { checkDraft, draftNote, withRestored } from "./draft-rules";

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
