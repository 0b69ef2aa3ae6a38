import { rgbaToThumbHash } from "thumbhash";
import { describe, expect, it } from "vitest";
import { fitInto, placeholderUrl, stepIndex } from "./image-box";

describe("the timeline's image box", () => {
  it.each<[string, { width?: number; height?: number }, { width: number; height: number }]>([
    ["a small image keeps its size", { width: 100, height: 50 }, { width: 100, height: 50 }],
    ["a wide image fits the width", { width: 1600, height: 400 }, { width: 320, height: 80 }],
    ["a tall image fits the height", { width: 300, height: 1200 }, { width: 60, height: 240 }],
    ["a sliver keeps at least a pixel", { width: 100_000, height: 1 }, { width: 320, height: 1 }],
    ["no size: the whole box", {}, { width: 320, height: 240 }],
    ["a zero size: the whole box", { width: 0, height: 10 }, { width: 320, height: 240 }],
  ])("%s", (_name, size, expected) => {
    expect(fitInto(size)).toEqual(expected);
  });
});

describe("the placeholder", () => {
  it("draws a real ThumbHash as a data URL", () => {
    const rgba = new Uint8Array(4 * 4 * 4).fill(200);
    const hash = rgbaToThumbHash(4, 4, rgba);
    const base64 = btoa(String.fromCharCode(...hash));
    expect(placeholderUrl(base64)).toMatch(/^data:image\/png;base64,/);
  });

  it.each<[string, string | undefined]>([
    ["none", undefined],
    ["not base64", "%%%"],
  ])("is null for %s", (_name, value) => {
    expect(placeholderUrl(value)).toBeNull();
  });
});

describe("stepping through images", () => {
  it.each<[number, -1 | 1, number, number]>([
    [0, 1, 3, 1],
    [2, 1, 3, 2],
    [0, -1, 3, 0],
    [2, -1, 3, 1],
    [0, 1, 0, 0],
  ])("from %i by %i of %i is %i", (index, by, count, expected) => {
    expect(stepIndex(index, by, count)).toBe(expected);
  });
});
