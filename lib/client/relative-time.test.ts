import { describe, expect, it } from "vitest";
import { exactTime, relativeTime } from "./relative-time";

const UTC = { locale: "en-GB", timeZone: "UTC" };
const now = new Date(Date.UTC(2025, 5, 15, 14, 30, 0));
const ago = (ms: number) => new Date(now.getTime() - ms);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("relativeTime", () => {
  it.each<[string, Date, string]>([
    ["a moment ago", ago(5_000), "just now"],
    ["a little in the future (another clock)", new Date(now.getTime() + 30_000), "just now"],
    ["44 seconds ago", ago(44_000), "just now"],
    ["45 seconds ago", ago(45_000), "1 minute ago"],
    ["one minute ago", ago(MINUTE), "1 minute ago"],
    ["59 minutes ago", ago(59 * MINUTE + 59_000), "59 minutes ago"],
    ["an hour ago, same day", ago(HOUR), "13:30"],
    ["this morning", new Date(Date.UTC(2025, 5, 15, 0, 5)), "00:05"],
    ["late yesterday", new Date(Date.UTC(2025, 5, 14, 23, 55)), "yesterday 23:55"],
    ["earlier this year", new Date(Date.UTC(2025, 0, 2, 9, 7)), "2 Jan, 09:07"],
    ["a previous year", new Date(Date.UTC(2023, 11, 31, 9, 7)), "31 Dec 2023"],
  ])("%s", (_case, then, expected) => {
    expect(relativeTime(then, now, UTC)).toBe(expected);
  });

  it("counts days on the reader's calendar, not in UTC", () => {
    // 23:30 UTC on the 14th is already the 15th in Berlin.
    const then = new Date(Date.UTC(2025, 5, 14, 23, 30));
    const later = new Date(Date.UTC(2025, 5, 15, 8, 0));
    expect(relativeTime(then, later, { locale: "en-GB", timeZone: "UTC" })).toBe("yesterday 23:30");
    expect(relativeTime(then, later, { locale: "en-GB", timeZone: "Europe/Berlin" })).toBe("01:30");
  });

  it("gives the full date and time for the tooltip", () => {
    expect(exactTime(new Date(Date.UTC(2025, 5, 15, 14, 30, 5)), UTC)).toBe(
      "Sunday, 15 June 2025 at 14:30:05",
    );
  });
});
