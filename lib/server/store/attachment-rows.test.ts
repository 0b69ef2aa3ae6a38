import { describe, expect, it } from "vitest";
import {
  attachmentFields,
  attachmentOf,
  attachmentsToHold,
  encodeAttachments,
} from "./attachment-rows";

const upload = (id: string, more: Record<string, unknown> = {}) => ({
  id,
  name: `${id}.png`,
  size: 10,
  type: "image/png",
  width: 4,
  height: 3,
  placeholder: "ph",
  uploaderId: "ana",
  released: false,
  messageId: null as string | null,
  ...more,
});

describe("attachmentsToHold", () => {
  const found = new Map([
    ["a", upload("a")],
    ["b", upload("b", { width: null, height: null, placeholder: null })],
    ["beas", upload("beas", { uploaderId: "bea" })],
    ["held", upload("held", { messageId: "m1" })],
    ["gone", upload("gone", { messageId: "m2", released: true })],
  ]);
  it.each([
    ["none", [], []],
    ["in the order named", ["b", "a"], ["b", "a"]],
    ["someone else's", ["beas"], null],
    ["already held", ["held"], null],
    ["released", ["gone"], null],
    ["unknown", ["nope"], null],
    ["a good one beside a bad one", ["a", "beas"], null],
    ["one named twice", ["a", "a"], null],
  ] as const)("%s", (_name, ids, expected) => {
    const held = attachmentsToHold(ids, found, "ana");
    expect(held === null ? null : held.map((a) => a.id)).toEqual(expected);
  });
});

describe("attachment rows", () => {
  it("leaves out what an upload does not have, rather than carrying nulls", () => {
    expect(attachmentOf(upload("b", { width: null, height: null, placeholder: null }))).toEqual({
      id: "b",
      name: "b.png",
      size: 10,
      type: "image/png",
    });
    expect(attachmentOf(upload("a"))).toEqual({
      id: "a",
      name: "a.png",
      size: 10,
      type: "image/png",
      width: 4,
      height: 3,
      placeholder: "ph",
    });
  });

  it("keeps none as NULL and no key, and reads back what it wrote", () => {
    expect(encodeAttachments(undefined)).toBeNull();
    expect(encodeAttachments([])).toBeNull();
    expect(attachmentFields(null)).toEqual({});
    const list = [attachmentOf(upload("a"))];
    expect(attachmentFields(encodeAttachments(list))).toEqual({ attachments: list });
  });
});
