import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ChatTestServer } from "../testing/chat-test-server";
import { guestWithCookie } from "../testing/room-people";
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

const png = (width = 8, height = 8) => solidPng(width, height, "#36c");

describe("upload and download", () => {
  it("uploads in pieces, then serves the file to its uploader with the right headers", async () => {
    server = await ChatTestServer.start({ files: testFiles() });
    const ana = await guestWithCookie(server, "ana");
    const content = Buffer.from("plain text, many times over. ".repeat(2000));
    const { final } = await uploadInPieces(server, ana.cookie ?? "", "notes.txt", content, 16_384);
    const attachment = attachmentOfAnswer(final);
    expect(attachment).toMatchObject({
      name: "notes.txt",
      size: content.length,
      type: "application/octet-stream",
    });

    const response = await fetchFile(server, attachment, ana.cookie);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(content);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; /);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(response.headers.get("cache-control")).toMatch(/^private/);
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    const etag = response.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);

    const again = await fetchFile(server, attachment, ana.cookie, {
      headers: { "if-none-match": etag },
    });
    expect(again.status).toBe(304);
    const part = await fetchFile(server, attachment, ana.cookie, {
      headers: { range: "bytes=10-19" },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-19/${content.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(content.subarray(10, 20));
    const outside = await fetchFile(server, attachment, ana.cookie, {
      headers: { range: `bytes=${content.length}-` },
    });
    expect(outside.status).toBe(416);
    expect(outside.headers.get("content-range")).toBe(`bytes */${content.length}`);
    const head = await fetchFile(server, attachment, ana.cookie, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(content.length));

    // Nothing of the upload is left among the partials.
    expect(await filesUnder(join(server.dir, "uploads-partial"))).toEqual([]);
  });

  it("refuses nobody, other people's unattached files, and cross-site uploads", async () => {
    server = await ChatTestServer.start({ files: testFiles() });
    const ana = await guestWithCookie(server, "ana");
    const bea = await guestWithCookie(server, "bea");
    const nobody = await uploadWhole(server, undefined, "x.txt", Buffer.from("x"));
    expect(nobody.status).toBe(401);
    expect(nobody.body).toMatchObject({ code: "unauthorized" });
    const crossSite = await uploadWhole(server, ana.cookie, "x.txt", Buffer.from("x"), {
      origin: "https://evil.example",
    });
    expect(crossSite.status).toBe(403);
    const attachment = attachmentOfAnswer(
      await uploadWhole(server, ana.cookie, "mine.png", await png()),
    );
    expect(attachment.type).toBe("image/png");
    expect((await fetchFile(server, attachment, bea.cookie)).status).toBe(404);
    expect((await fetchFile(server, attachment, undefined)).status).toBe(401);
    expect((await fetchFile(server, attachment, ana.cookie)).status).toBe(200);
  });
});
