import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Attachment } from "../../shared/protocol/attachments";
import { attachmentOf } from "../store/attachment-rows";
import type { UploadStore } from "../store/types";
import type { FileStorage } from "./file-storage";
import { variantKey } from "./file-storage";
import { cleanImage } from "./image-variants";
import { sniffType } from "./sniff";

export type FinishedPartial = {
  id: string;
  /** The tus store's file: every byte the client sent. */
  path: string;
  name: string;
  uploaderId: string;
  address: string;
};

export type FinishDeps = {
  storage: FileStorage;
  uploads: Pick<UploadStore, "add">;
  /** Scratch space for cleaned images and variants, on the partial uploads' disk. */
  workDir: string;
};

/** SHA-256 of a file, read as a stream: a 25 MiB upload is never held in memory. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Turns a finished partial upload into a file people can attach: its type
 * sniffed from the bytes, a picture cleaned (metadata gone, upright) with
 * its variants, everything put durably in storage under the content's hash,
 * and only then the record written — so a record never names missing bytes.
 * A crash in between leaves bytes no record names, which the sweeper's
 * stray check removes. Scratch files are removed whatever happens.
 */
export async function finishUpload(
  deps: FinishDeps,
  partial: FinishedPartial,
): Promise<Attachment> {
  const scratch = join(deps.workDir, partial.id);
  await mkdir(scratch, { recursive: true });
  try {
    const type = await sniffType(partial.path);
    const image = await cleanImage(partial.path, type, scratch, "image");
    const contentPath = image?.originalPath ?? partial.path;
    const contentKey = await sha256OfFile(contentPath);
    const { size } = await stat(contentPath);
    for (const { variant, path } of image?.variants ?? [])
      await deps.storage.put(variantKey(contentKey, variant), path);
    // The content last: a key present in storage means its variants are too.
    await deps.storage.put(contentKey, contentPath);
    const upload = {
      id: partial.id,
      uploaderId: partial.uploaderId,
      address: partial.address,
      name: partial.name,
      size,
      // A picture that does not decode is not shown as one.
      type: image || !type.startsWith("image/") ? type : "application/octet-stream",
      contentKey,
      width: image?.width ?? null,
      height: image?.height ?? null,
      placeholder: image?.placeholder ?? null,
      variants: image?.variants.map(({ variant }) => variant) ?? [],
      createdAt: new Date(),
    };
    await deps.uploads.add(upload);
    return attachmentOf(upload);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
