import { join } from "node:path";
import sharp, { type Sharp } from "sharp";
import { rgbaToThumbHash } from "thumbhash";
import {
  IMAGE_VARIANT_SIZE,
  IMAGE_VARIANTS,
  type ImageVariant,
  INLINE_IMAGE_TYPES,
} from "../../shared/protocol/attachments";

/** The placeholder's source: ThumbHash is meant for at most 100×100 pixels. */
const PLACEHOLDER_SIZE = 100;
/** Formats whose frames we keep when cleaning the original (sharp reads only the first otherwise). */
const ANIMATED = new Set(["image/gif", "image/webp"]);
/**
 * Pictures larger than this are not decoded (they stay files to download):
 * a small PNG can declare a huge canvas, and decoding it would take
 * gigabytes. Above the largest phone photos in common use.
 */
export const MAX_IMAGE_PIXELS = 100_000_000;
/** Variants are WebP: small, and shown by every browser we support. */
export const VARIANT_TYPE = "image/webp";

export type CleanedImage = {
  /** The original, re-encoded in its own format with the orientation applied and no metadata. */
  originalPath: string;
  width: number;
  height: number;
  placeholder: string;
  variants: { variant: ImageVariant; path: string }[];
};

/**
 * An uploaded picture made safe and light to show: the EXIF orientation
 * applied to the pixels (so every viewer shows it upright, with or without
 * EXIF support), every metadata block dropped — sharp keeps none unless
 * asked, which removes GPS positions and camera serials — and the variants
 * and placeholder made from the same upright pixels. The original is
 * re-encoded too: serving its bytes as uploaded would serve its GPS tags.
 * Null when the bytes do not decode as the image they claimed to be.
 */
export async function cleanImage(
  sourcePath: string,
  type: string,
  workDir: string,
  name: string,
): Promise<CleanedImage | null> {
  if (!INLINE_IMAGE_TYPES.includes(type)) return null;
  const animated = ANIMATED.has(type);
  try {
    const open = (options: { animated?: boolean } = {}) =>
      sharp(sourcePath, { limitInputPixels: MAX_IMAGE_PIXELS, ...options });
    const upright = () => open({ animated }).rotate();
    const originalPath = join(workDir, `${name}.original`);
    const original = await encodeLike(upright(), type).toFile(originalPath);
    const height = animated && original.pageHeight ? original.pageHeight : original.height;
    const variants: CleanedImage["variants"] = [];
    for (const variant of IMAGE_VARIANTS) {
      const path = join(workDir, `${name}.${variant}`);
      const side = IMAGE_VARIANT_SIZE[variant];
      await open()
        .rotate()
        .resize({ width: side, height: side, fit: "inside", withoutEnlargement: true })
        .webp({ quality: 80 })
        .toFile(path);
      variants.push({ variant, path });
    }
    const small = await open()
      .rotate()
      .resize({ width: PLACEHOLDER_SIZE, height: PLACEHOLDER_SIZE, fit: "inside" })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const placeholder = Buffer.from(
      rgbaToThumbHash(small.info.width, small.info.height, small.data),
    ).toString("base64");
    return { originalPath, width: original.width, height, placeholder, variants };
  } catch {
    return null;
  }
}

function encodeLike(image: Sharp, type: string): Sharp {
  switch (type) {
    case "image/jpeg":
      return image.jpeg({ quality: 92 });
    case "image/png":
      return image.png();
    case "image/gif":
      return image.gif();
    case "image/webp":
      return image.webp({ quality: 92 });
    default:
      return image.avif();
  }
}
