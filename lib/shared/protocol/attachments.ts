import { z } from "zod";

/**
 * A file attached to a message, as every client sees it: part of the
 * message, so history, `changes:after` and broadcasts carry it and nothing
 * about a file needs a sync of its own. `type` is what the server sniffed
 * from the content, never what the uploader's name or header said.
 */
export type Attachment = {
  /** The upload's id, as `POST /api/uploads` answered it. */
  id: string;
  /** The uploader's file name, cleaned (no path, no control characters). */
  name: string;
  /** Bytes. */
  size: number;
  /** The sniffed MIME type; `application/octet-stream` when nothing was recognised. */
  type: string;
  /** Images: the pixel size after applying the EXIF orientation. */
  width?: number;
  height?: number;
  /** Images: a ThumbHash (base64), a blurred stand-in drawn while the picture loads. */
  placeholder?: string;
};

/** Where uploads go (the tus protocol, resumable: POST creates, PATCH appends, HEAD asks the offset). */
export const UPLOADS_PATH = "/api/uploads";
/** Where files are read: `GET /api/files/<id>/<name>`, checked against the room on every request. */
export const FILES_PATH = "/api/files";

/** Sizes the server makes of an image, besides the original. */
export const IMAGE_VARIANTS = ["thumb", "preview"] as const;
export type ImageVariant = (typeof IMAGE_VARIANTS)[number];
/** Longest side, in pixels, of each variant (never larger than the original). */
export const IMAGE_VARIANT_SIZE: Record<ImageVariant, number> = { thumb: 400, preview: 1600 };

/** Types the browser shows inline as a picture (and for which the server makes variants). */
export const INLINE_IMAGE_TYPES: readonly string[] = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
];

export function isInlineImage(attachment: Pick<Attachment, "type">): boolean {
  return INLINE_IMAGE_TYPES.includes(attachment.type);
}

/** The file's address; a variant (`thumb`, `preview`) for an image's smaller sizes. */
export function fileUrl(
  attachment: Pick<Attachment, "id" | "name">,
  variant?: ImageVariant,
): string {
  const path = `${FILES_PATH}/${attachment.id}/${encodeURIComponent(attachment.name)}`;
  return variant ? `${path}?size=${variant}` : path;
}

/** Upload ids are server-made UUIDs. */
export const attachmentIdSchema = z
  .string()
  .regex(/^[0-9a-f-]{1,64}$/, "attachment id must be an upload id as the server sent it");

/**
 * The body of the answer that finishes an upload (the last `PATCH`, or a
 * `POST` that carried the whole file): the attachment to name in `message:send`.
 */
export type UploadFinished = { attachment: Attachment };
/** The body of a refused upload request (also in the `Upload-Error` header, for tus clients). */
export type UploadRefused = { code: string; message: string };
