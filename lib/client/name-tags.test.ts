import { describe, expect, it } from "vitest";
import { nameSkeleton } from "../shared/names/skeleton";
import type { User } from "../shared/protocol";
import { isGuest, MIN_TAG_ID_LENGTH, plainSkeleton, nameTags as tagsWith } from "./name-tags";

const nameTags = (people: User[]) => tagsWith(people, nameSkeleton);

const ana: User = { id: "3f1c2a9e-8b7d-4c6e-9a5f-0123456789ab", name: "Alice" };
const impostor: User = { id: "b07d44e1-2c3a-4f5e-8d9c-aabbccddeeff", name: "Alice" };
const lookalike: User = { id: "c9a8b7c6-d5e4-4f3a-9b2c-1d0e9f8a7b6c", name: "AIice" };
const cyrillic: User = { id: "d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a", name: "Аlice" };
const bea: User = { id: "e0f1a2b3-c4d5-4e6f-8a9b-c0d1e2f3a4b5", name: "Bea" };

describe("nameTags", () => {
  it("tags nobody when every shown name is distinct", () => {
    expect(nameTags([ana, bea])).toEqual(new Map());
  });

  it("tags both people who show the same name: guest, and the start of the id", () => {
    expect(nameTags([ana, impostor, bea])).toEqual(
      new Map([
        [ana.id, "guest #3f1c2a"],
        [impostor.id, "guest #b07d44"],
      ]),
    );
  });

  it.each([
    ["a capital I for an l", lookalike],
    ["a Cyrillic А (a name from before the script rule)", cyrillic],
  ])("tags names that differ only by %s", (_case, other) => {
    expect([...nameTags([ana, other]).keys()].sort()).toEqual([ana.id, other.id].sort());
  });

  it("counts a person once, however many of their messages are shown", () => {
    expect(nameTags([ana, ana, { ...ana }, bea])).toEqual(new Map());
  });

  it("tags a person whose earlier name, still on old messages, collides", () => {
    const renamed = { ...impostor, name: "Carol" };
    expect([...nameTags([ana, impostor, renamed]).keys()].sort()).toEqual(
      [ana.id, impostor.id].sort(),
    );
  });

  it("lengthens the tags until they differ, when ids start alike", () => {
    const twin: User = { id: "3f1c2a9e-0000-4000-8000-000000000000", name: "Alice" };
    const tags = nameTags([ana, twin]);
    expect(tags.get(ana.id)).toBe("guest #3f1c2a9e8");
    expect(tags.get(twin.id)).toBe("guest #3f1c2a9e0");
  });

  it("shows at least the minimum of an id, and no guest word for an account holder", () => {
    const member: User = { id: "a1b2c3d4e5f6a7b8", name: "Alice", guest: false };
    const tags = nameTags([ana, member]);
    expect(tags.get(member.id)).toBe(`#${member.id.slice(0, MIN_TAG_ID_LENGTH)}`);
    expect(tags.get(ana.id)).toMatch(/^guest #/);
  });
});

describe("before the confusables table has loaded", () => {
  it("tags the same name shown twice, even composed differently or with an invisible character", () => {
    const decomposed: User = { ...impostor, name: "Ali\u200bce" };
    expect([...tagsWith([ana, decomposed, bea], plainSkeleton).keys()].sort()).toEqual(
      [ana.id, impostor.id].sort(),
    );
  });

  it("does not yet tag look-alikes, which the table is needed for", () => {
    expect(tagsWith([ana, lookalike], plainSkeleton)).toEqual(new Map());
  });
});

describe("isGuest", () => {
  it.each([
    [{ id: "x", name: "X" }, true],
    [{ id: "x", name: "X", guest: true }, true],
    [{ id: "x", name: "X", guest: false }, false],
  ])("%j → %s", (user, expected) => {
    expect(isGuest(user)).toBe(expected);
  });
});
