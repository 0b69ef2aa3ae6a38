import { describe, expect, it } from "vitest";
import { parseRange } from "./byte-range";
import {
  contentDisposition,
  dispositionKind,
  fileContentSecurityPolicy,
  fileEtag,
  matchesEtag,
} from "./file-headers";
import { cleanFileName, MAX_FILE_NAME_LENGTH } from "./file-name";
import { fileTarget } from "./file-route";

describe("cleanFileName", () => {
  it.each([
    ["photo.jpg", "photo.jpg"],
    ["../../etc/passwd", "passwd"],
    ["C:\\Users\\me\\report.pdf", "report.pdf"],
    ["a\u0000b\u001fc.txt", "abc.txt"],
    ["invoice\u202Egpj.exe", "invoicegpj.exe"],
    ["  spaced  .png ", "spaced  .png"],
    [".hidden", "hidden"],
    ["...", "file"],
    ["", "file"],
    [null, "file"],
    ["dir/", "file"],
    ["e\u0301te\u0301.txt", "été.txt"],
  ])("%j → %j", (raw, cleaned) => {
    expect(cleanFileName(raw)).toBe(cleaned);
  });

  it("cuts a long name to the limit and keeps its extension", () => {
    const cleaned = cleanFileName(`${"a".repeat(500)}.jpeg`);
    expect(Array.from(cleaned)).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(cleaned.endsWith(".jpeg")).toBe(true);
    expect(Array.from(cleanFileName("😀".repeat(300)))).toHaveLength(MAX_FILE_NAME_LENGTH);
  });
});

describe("parseRange", () => {
  it.each([
    [undefined, 100, "whole"],
    ["bytes=0-9", 100, { start: 0, end: 9 }],
    ["bytes=90-", 100, { start: 90, end: 99 }],
    ["bytes=-10", 100, { start: 90, end: 99 }],
    ["bytes=-500", 100, { start: 0, end: 99 }],
    ["bytes=50-500", 100, { start: 50, end: 99 }],
    ["bytes=0-0", 100, { start: 0, end: 0 }],
    ["bytes=100-", 100, "unsatisfiable"],
    ["bytes=200-300", 100, "unsatisfiable"],
    ["bytes=-0", 100, "unsatisfiable"],
    ["bytes=0-", 0, "unsatisfiable"],
    ["bytes=9-3", 100, "whole"],
    ["bytes=0-1,5-6", 100, "whole"],
    ["items=0-1", 100, "whole"],
    ["bytes=-", 100, "whole"],
    ["bytes=abc", 100, "whole"],
  ] as const)("%j of %d bytes → %j", (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe("how files are served", () => {
  it.each([
    ["image/png", "inline"],
    ["image/jpeg", "inline"],
    ["image/webp", "inline"],
    ["image/svg+xml", "attachment"],
    ["text/html", "attachment"],
    ["application/pdf", "attachment"],
    ["application/x-msdownload", "attachment"],
    ["application/octet-stream", "attachment"],
  ] as const)("%s is %s", (type, kind) => {
    expect(dispositionKind(type)).toBe(kind);
  });

  it.each([
    ["inline", "cat.png", `inline; filename="cat.png"; filename*=UTF-8''cat.png`],
    [
      "attachment",
      'ré"port (1).html',
      `attachment; filename="r__port (1).html"; filename*=UTF-8''r%C3%A9%22port%20%281%29.html`,
    ],
    ["attachment", "a;b%c.txt", `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%3Bb%25c.txt`],
  ] as const)("%s disposition of %j", (kind, name, header) => {
    expect(contentDisposition(kind, name)).toBe(header);
  });

  it("sandboxes every file and lets nothing load", () => {
    for (const kind of ["inline", "attachment"] as const) {
      const policy = fileContentSecurityPolicy(kind);
      expect(policy).toMatch(/^default-src 'none';/);
      expect(policy).toMatch(/; sandbox$/);
      expect(policy).not.toMatch(/script-src/);
    }
  });

  it.each([
    [undefined, false],
    ['"k"', true],
    ['W/"k"', true],
    ['"other", "k"', true],
    ["*", true],
    ['"k.thumb"', false],
  ] as const)('If-None-Match %j matches "k": %s', (header, matches) => {
    expect(matchesEtag(header, fileEtag("k", null))).toBe(matches);
  });
});

describe("fileTarget", () => {
  const id = "0a0a0a0a-0000-4000-8000-000000000001";
  it.each([
    [`/api/files/${id}/cat.png`, { id, variant: null }],
    [`/api/files/${id}/cat%20one.png?size=thumb`, { id, variant: "thumb" }],
    [`/api/files/${id}/x?size=preview&v=2`, { id, variant: "preview" }],
    [`/api/files/${id}/x?size=original`, "bad"],
    [`/api/files/${id}`, "bad"],
    [`/api/files/${id}/a/b`, "bad"],
    ["/api/files/../../etc/passwd", "bad"],
    ["/api/files/NOT-AN-ID/x", "bad"],
  ] as const)("%s → %j", (url, target) => {
    expect(fileTarget(url)).toEqual(target);
  });
});
