import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_VARIANT_SIZE } from "../../shared/protocol/attachments";
import { cleanImage } from "./image-variants";
import { sniffType, UNKNOWN_TYPE } from "./sniff";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "images-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A landscape 64×32 JPEG whose EXIF says "rotate 90° to show" and which carries a camera make. */
async function rotatedJpeg(path: string, width = 64, height = 32): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withMetadata({ orientation: 6, exif: { IFD0: { Make: "SecretCam", Model: "GPS-9000" } } })
    .toFile(path);
}

describe("cleanImage", () => {
  it("applies the orientation, drops the metadata and makes never-upscaled variants", async () => {
    const source = join(dir, "rotated.jpg");
    await rotatedJpeg(source);
    expect((await sharp(source).metadata()).exif).toBeDefined();
    const cleaned = await cleanImage(source, "image/jpeg", dir, "rotated");
    expect(cleaned).not.toBeNull();
    if (!cleaned) return;
    expect([cleaned.width, cleaned.height]).toEqual([32, 64]);
    const original = await sharp(cleaned.originalPath).metadata();
    expect(original.exif).toBeUndefined();
    expect(original.orientation).toBeUndefined();
    expect([original.width, original.height]).toEqual([32, 64]);
    expect((await readFile(cleaned.originalPath)).includes("SecretCam")).toBe(false);
    expect(cleaned.variants.map((v) => v.variant)).toEqual(["thumb", "preview"]);
    for (const { path } of cleaned.variants) {
      const variant = await sharp(path).metadata();
      expect(variant.format).toBe("webp");
      expect([variant.width, variant.height]).toEqual([32, 64]);
    }
    expect(Buffer.from(cleaned.placeholder, "base64").length).toBeGreaterThan(4);
  });

  it("shrinks a large picture to each variant's longest side", async () => {
    const source = join(dir, "large.png");
    await sharp({ create: { width: 2000, height: 1000, channels: 4, background: "#0a0" } })
      .png()
      .toFile(source);
    const cleaned = await cleanImage(source, "image/png", dir, "large");
    const sizes = await Promise.all(
      (cleaned?.variants ?? []).map(async ({ variant, path }) => {
        const { width, height } = await sharp(path).metadata();
        return [variant, width, height];
      }),
    );
    expect(sizes).toEqual([
      ["thumb", IMAGE_VARIANT_SIZE.thumb, IMAGE_VARIANT_SIZE.thumb / 2],
      ["preview", IMAGE_VARIANT_SIZE.preview, IMAGE_VARIANT_SIZE.preview / 2],
    ]);
  });

  it("answers null for bytes that are not the picture they claim, and for types it does not show", async () => {
    const broken = join(dir, "broken.png");
    await writeFile(
      broken,
      Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(50)]),
    );
    expect(await cleanImage(broken, "image/png", dir, "broken")).toBeNull();
    expect(await cleanImage(broken, "image/svg+xml", dir, "svg")).toBeNull();
  });
});

describe("sniffType", () => {
  it.each([
    [
      "a PNG named .txt",
      async (p: string) =>
        sharp({ create: { width: 2, height: 2, channels: 3, background: "#fff" } })
          .png()
          .toFile(p),
      "image/png",
    ],
    [
      "HTML named .png",
      (p: string) => writeFile(p, "<!doctype html><script>alert(1)</script>"),
      UNKNOWN_TYPE,
    ],
    [
      "SVG",
      (p: string) =>
        writeFile(p, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      UNKNOWN_TYPE,
    ],
    [
      "a PDF",
      (p: string) => writeFile(p, "%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"),
      "application/pdf",
    ],
  ])("%s → %s", async (_, write, type) => {
    const path = join(dir, `sniff-${Math.random()}`);
    await write(path);
    expect(await sniffType(path)).toBe(type);
  });
});
