import { join } from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { ChatTestServer } from "../testing/chat-test-server";
import { guestWithCookie, type RoomPerson } from "../testing/room-people";
import {
  attachmentOfAnswer,
  fetchFile,
  filesUnder,
  solidPng,
  testFiles,
  uploadInPieces,
  uploadWhole,
} from "./file-test-kit";

let server: ChatTestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

const png = (width = 8, height = 8) => solidPng(width, height, "#c63");

async function start(options: Parameters<typeof testFiles>[0] = {}) {
  const started = await ChatTestServer.start({ files: testFiles(options) });
  server = started;
  return started;
}

async function upload(s: ChatTestServer, person: RoomPerson, name: string, content: Buffer) {
  return attachmentOfAnswer(await uploadWhole(s, person.cookie, name, content));
}

const stored = (s: ChatTestServer) => filesUnder(join(s.dir, "files"));
const partials = (s: ChatTestServer) => filesUnder(join(s.dir, "uploads-partial"));

describe("what is served, and how", () => {
  it("sniffs the type from the bytes, whatever the name says", async () => {
    const s = await start();
    const ana = await guestWithCookie(s, "ana");
    const picture = await upload(s, ana, "report.pdf", await png());
    expect(picture.type).toBe("image/png");
    const text = await upload(s, ana, "cat.png", Buffer.from("not a picture at all"));
    expect(text.type).toBe("application/octet-stream");
    const response = await fetchFile(s, text, ana.cookie);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; /);
    await response.arrayBuffer();
  });

  it("serves a polyglot (a PNG that is also HTML) inertly: image/png, nosniff, sandboxed, no script left", async () => {
    const s = await start();
    const ana = await guestWithCookie(s, "ana");
    const polyglot = Buffer.concat([
      await png(),
      Buffer.from("<html><body><script>alert(document.cookie)</script></body></html>"),
    ]);
    const attachment = await upload(s, ana, "page.html", polyglot);
    expect(attachment.type).toBe("image/png");
    const response = await fetchFile(s, attachment, ana.cookie);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toMatch(
      /^default-src 'none';.*sandbox$/,
    );
    expect(response.headers.get("content-disposition")).toMatch(/^inline; /);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.includes("<script>")).toBe(false);
    expect((await sharp(body).metadata()).format).toBe("png");
  });

  it("serves an HTML upload (and SVG) only as a download", async () => {
    const s = await start();
    const ana = await guestWithCookie(s, "ana");
    for (const [name, content] of [
      ["page.html", "<!doctype html><script>alert(1)</script>"],
      ["logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ] as const) {
      const attachment = await upload(s, ana, name, Buffer.from(content));
      const response = await fetchFile(s, attachment, ana.cookie);
      expect(response.headers.get("content-type")).toBe("application/octet-stream");
      expect(response.headers.get("content-disposition")).toBe(
        `attachment; filename="${name}"; filename*=UTF-8''${name}`,
      );
      expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
      expect(await response.text()).toBe(content);
    }
  });

  it("applies the orientation and strips EXIF and GPS, with variants never larger than the picture", async () => {
    const s = await start();
    const ana = await guestWithCookie(s, "ana");
    const jpeg = await sharp({ create: { width: 60, height: 20, channels: 3, background: "#3a3" } })
      .jpeg()
      .withMetadata({
        orientation: 6,
        exif: {
          IFD0: { Make: "SecretCam" },
          IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2400/100" },
        },
      })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const attachment = await upload(s, ana, "holiday.jpg", jpeg);
    expect(attachment).toMatchObject({ type: "image/jpeg", width: 20, height: 60 });
    expect(attachment.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const original = Buffer.from(await (await fetchFile(s, attachment, ana.cookie)).arrayBuffer());
    const meta = await sharp(original).metadata();
    expect([meta.width, meta.height, meta.exif, meta.orientation]).toEqual([
      20,
      60,
      undefined,
      undefined,
    ]);
    expect(original.includes("SecretCam")).toBe(false);
    for (const variant of ["thumb", "preview"]) {
      const response = await fetchFile(s, attachment, ana.cookie, { variant });
      expect(response.headers.get("content-type")).toBe("image/webp");
      expect(response.headers.get("etag")).toMatch(new RegExp(`\\.${variant}"$`));
      const size = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect([size.width, size.height]).toEqual([20, 60]);
    }
    expect((await fetchFile(s, attachment, ana.cookie, { variant: "huge" })).status).toBe(404);
  });
});

describe("limits", () => {
  it("refuses a file over MAX_UPLOAD_BYTES, declared or actual, and keeps none of it", async () => {
    const s = await start({ limits: { maxUploadBytes: 1000 } });
    const ana = await guestWithCookie(s, "ana");
    const declared = await uploadWhole(s, ana.cookie, "big.bin", Buffer.alloc(1001, 1));
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ code: "too_large" });
    expect(declared.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(decodeURIComponent(declared.headers.get("upload-error") ?? ""))).toEqual(
      declared.body,
    );
    // Declares 500 bytes, sends 1500.
    const lying = await fetch(`${s.url}/api/uploads`, {
      method: "POST",
      headers: {
        "tus-resumable": "1.0.0",
        cookie: ana.cookie ?? "",
        "upload-length": "500",
        "content-type": "application/offset+octet-stream",
      },
      body: new Uint8Array(1500),
    });
    expect(lying.status).toBe(413);
    await lying.body?.cancel();
    await expect.poll(() => partials(s)).toEqual([]);
    expect(await stored(s)).toEqual([]);
    expect(await s.store.uploads.usage({ uploaderId: ana.user.id }, new Date(0))).toEqual({
      bytes: 0,
      files: 0,
    });
  });

  it("refuses uploads over the daily quota with Retry-After, counting uploads under way", async () => {
    const s = await start({ limits: { maxUploadBytes: 1000, quotaBytesPerDay: 1000 } });
    const ana = await guestWithCookie(s, "ana");
    attachmentOfAnswer(await uploadWhole(s, ana.cookie, "a.bin", Buffer.alloc(600, 1)));
    const over = await uploadWhole(s, ana.cookie, "b.bin", Buffer.alloc(600, 2));
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ code: "quota_exceeded" });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await stored(s)).toHaveLength(1);
    expect(await partials(s)).toEqual([]);
    // Another person (another cookie) still has their own quota.
    const bea = await guestWithCookie(s, "bea");
    attachmentOfAnswer(await uploadWhole(s, bea.cookie, "c.bin", Buffer.alloc(600, 3)));
  });

  it("counts an address's uploads together, whoever makes them", async () => {
    const s = await start({
      limits: { maxUploadBytes: 1000, quotaBytesPerDay: 1000, quotaBytesPerAddressPerDay: 1000 },
    });
    const ana = await guestWithCookie(s, "ana");
    const bea = await guestWithCookie(s, "bea");
    attachmentOfAnswer(await uploadWhole(s, ana.cookie, "a.bin", Buffer.alloc(700, 1)));
    const sameAddress = await uploadWhole(s, bea.cookie, "b.bin", Buffer.alloc(700, 2));
    expect(sameAddress.status).toBe(429);
    expect(sameAddress.body).toMatchObject({ code: "quota_exceeded" });
    expect(await partials(s)).toEqual([]);
  });

  it("refuses uploads beyond the per-minute rate", async () => {
    const s = await start({ limits: { uploadsPerMinute: 2 } });
    const ana = await guestWithCookie(s, "ana");
    for (const n of [1, 2])
      attachmentOfAnswer(await uploadWhole(s, ana.cookie, `${n}.txt`, Buffer.from(String(n))));
    const third = await uploadWhole(s, ana.cookie, "3.txt", Buffer.from("3"));
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: "rate_limited" });
    expect(third.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("cancels an upload (tus termination), removing what was sent", async () => {
    const s = await start();
    const ana = await guestWithCookie(s, "ana");
    const created = await fetch(`${s.url}/api/uploads`, {
      method: "POST",
      headers: { "tus-resumable": "1.0.0", cookie: ana.cookie ?? "", "upload-length": "100" },
    });
    const location = created.headers.get("location") ?? "";
    await fetch(`${s.url}${location}`, {
      method: "PATCH",
      headers: {
        "tus-resumable": "1.0.0",
        cookie: ana.cookie ?? "",
        "upload-offset": "0",
        "content-type": "application/offset+octet-stream",
      },
      body: new Uint8Array(50),
    });
    expect(await partials(s)).toHaveLength(2);
    const bea = await guestWithCookie(s, "bea");
    const theirs = await fetch(`${s.url}${location}`, {
      method: "DELETE",
      headers: { "tus-resumable": "1.0.0", cookie: bea.cookie ?? "" },
    });
    expect(theirs.status).toBe(404);
    const mine = await fetch(`${s.url}${location}`, {
      method: "DELETE",
      headers: { "tus-resumable": "1.0.0", cookie: ana.cookie ?? "" },
    });
    expect(mine.status).toBe(204);
    expect(await partials(s)).toEqual([]);
  });
});

describe("resumable", () => {
  it("answers the offset so a client resumes where the link dropped", async () => {
    const s = await start();
    const ana = await guestWithCookie(s, "ana");
    const content = Buffer.alloc(3000, 7);
    const { final } = await uploadInPieces(s, ana.cookie ?? "", "x.bin", content, 1000);
    expect(attachmentOfAnswer(final).size).toBe(3000);
  });
});
