import { describe, expect, it } from "vitest";
import { isSearchShortcut, type KeyPress } from "./search-shortcut";

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe("isSearchShortcut", () => {
  it.each<[string, KeyPress, boolean, boolean]>([
    ["/ on the page", press("/"), false, true],
    ["/ while typing a message", press("/"), true, false],
    ["Ctrl+K on the page", press("k", { ctrlKey: true }), false, true],
    ["Ctrl+K while typing", press("k", { ctrlKey: true }), true, true],
    ["⌘K while typing", press("k", { metaKey: true }), true, true],
    ["Ctrl+Shift+K (caps)", press("K", { ctrlKey: true }), false, true],
    ["K alone", press("k"), false, false],
    ["Ctrl+⌘+K", press("k", { ctrlKey: true, metaKey: true }), false, false],
    ["Alt+K", press("k", { ctrlKey: true, altKey: true }), false, false],
    ["Ctrl+/", press("/", { ctrlKey: true }), false, false],
    ["Alt+/ (a character on some layouts)", press("/", { altKey: true }), false, false],
    ["/ while composing", press("/", { isComposing: true }), false, false],
    ["already handled", press("/", { defaultPrevented: true }), false, false],
    ["another key", press("s", { ctrlKey: true }), false, false],
  ])("%s", (_case, key, typing, expected) => {
    expect(isSearchShortcut(key, typing)).toBe(expected);
  });
});
