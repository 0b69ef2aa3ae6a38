import { describe, expect, it } from "vitest";
import type { NotificationEvent } from "../shared/protocol";
import { notificationTarget, notificationWords } from "./desktop-notifications";

const event = (extra: Partial<NotificationEvent> = {}): NotificationEvent => ({
  room: "design",
  seq: 42,
  messageId: "m-42",
  reason: "mention",
  author: { id: "u-ana", name: "Ana" },
  text: "can you look at this?",
  tag: "msg:m-42",
  ...extra,
});

describe("notificationWords", () => {
  it.each([
    ["mention", false, "You were mentioned in #design", ""],
    ["direct", false, "New direct message", ""],
    ["room", false, "New message in #design", ""],
    ["message", false, "New message in #design", ""],
    ["mention", true, "Ana in #design", "can you look at this?"],
    ["direct", true, "Ana", "can you look at this?"],
  ] as const)("%s, previews %s: %s", (reason, previews, title, body) => {
    expect(notificationWords(event({ reason }), previews)).toEqual({ title, body });
  });
});

describe("notificationTarget", () => {
  it("opens the room at the message", () => {
    expect(notificationTarget("design", 42)).toBe("/chat/design?at=42");
  });
});
