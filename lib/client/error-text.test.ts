import { describe, expect, it } from "vitest";
import { ERROR_CODES, type ProtocolError } from "../shared/errors";
import { errorText, REFUSED_TEXT } from "./error-text";

const error = (code: string, message: string) => ({ code, message }) as ProtocolError;

describe("errorText", () => {
  it.each([
    ["message_too_long", "text: message text is longer than 4000 characters", /longer than 4000/],
    ["empty_message", "text: message text is blank", /blank/],
    ["invalid_room", "room: room must be 1-64 of a-z 0-9 - _", /lowercase letters/],
    ["rate_limited", "You are sending too fast; wait a moment.", /too fast/],
    ["unavailable", "The message store is unavailable; try again shortly.", /Try again shortly/],
    ["room_exists", "room_exists: lab", /^A room with that name already exists\.$/],
  ])("writes %s from its code, whatever the server said", (code, message, expected) => {
    const text = errorText(error(code, message));
    expect(text).toMatch(expected);
    expect(text).not.toMatch(/^\w+: /);
    expect(text).toMatch(/^[A-Z].*\.$/);
  });

  it.each([
    // The reason varies: only the server knows it.
    ["invalid_name", "That name is taken by a bot.", "That name is taken by a bot."],
    [
      "internal",
      "Something went wrong on the server (ref 1a2b3c4d).",
      "Something went wrong on the server (ref 1a2b3c4d).",
    ],
    // An older server's message keeps its field prefix; people do not see it.
    ["invalid_payload", "name: name must be 1-32 characters", "Name must be 1-32 characters."],
    ["a_code_from_a_newer_server", "  something new happened ", "Something new happened."],
  ])("shows the server's own reason for %s, as a sentence", (code, message, expected) => {
    expect(errorText(error(code, message))).toBe(expected);
  });

  it("has something to say for a failure without a reason", () => {
    expect(errorText(undefined)).toBe(REFUSED_TEXT);
    expect(errorText(error("internal", "   "))).toBe(REFUSED_TEXT);
  });

  it("never shows a field prefix, for any code", () => {
    for (const code of ERROR_CODES)
      expect(errorText(error(code, "field: what went wrong"))).not.toMatch(/^\w+: /);
  });
});
