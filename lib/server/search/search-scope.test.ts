import { describe, expect, it } from "vitest";
import { authorsNamed, searchRooms } from "./search-scope";

describe("searchRooms", () => {
  it.each([
    [undefined, [], undefined],
    ["club", [], ["club"]],
    [undefined, ["a", "b", "a"], ["a", "b"]],
    ["a", ["a", "b"], ["a"]],
    ["c", ["a", "b"], []],
  ] as const)("room %s, in: %j", (room, inRooms, expected) => {
    expect(searchRooms(room, inRooms)).toEqual(expected);
  });
});

describe("authorsNamed", () => {
  const ana = { id: "1", name: "Ana" };
  const anabel = { id: "2", name: "Anabel" };
  it.each([
    ["ana", [ana, anabel], ["1"]],
    ["ANA", [ana, anabel], ["1"]],
    ["an", [ana, anabel], ["1", "2"]],
    ["zed", [], []],
  ] as const)("%s", (name, candidates, expected) => {
    expect(authorsNamed(name, candidates)).toEqual(expected);
  });
});
