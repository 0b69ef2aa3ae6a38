import type { Attachment, ChatMessage } from "../../shared/protocol";
import type { StoredUpload } from "./types";

/**
 * A message's attachments as both engines keep them: beside the text, in the
 * messages row (JSON of `Attachment[]`, NULL for none), so every read path
 * carries them without a join. The uploads table stays the authority on who
 * may attach what and on what storage still holds.
 */

/** The messages row's `attachments` column: JSON, NULL for none. */
export function encodeAttachments(attachments: readonly Attachment[] | undefined): string | null {
  return attachments && attachments.length > 0 ? JSON.stringify(attachments) : null;
}

/** The column as the message carries it: no key at all when it holds none. */
export function attachmentFields(
  attachments: string | null | undefined,
): Pick<ChatMessage, "attachments"> {
  const list = attachments ? (JSON.parse(attachments) as Attachment[]) : [];
  return list.length > 0 ? { attachments: list } : {};
}

/** What a message shows of an upload: optional fields absent when the upload has none. */
export function attachmentOf(
  upload: Pick<StoredUpload, "id" | "name" | "size" | "type" | "width" | "height" | "placeholder">,
): Attachment {
  return {
    id: upload.id,
    name: upload.name,
    size: upload.size,
    type: upload.type,
    ...(upload.width === null ? {} : { width: upload.width }),
    ...(upload.height === null ? {} : { height: upload.height }),
    ...(upload.placeholder === null ? {} : { placeholder: upload.placeholder }),
  };
}

/**
 * The uploads named in a send, as the message will hold them, or null when
 * one of them may not be attached: unknown, someone else's, released, or
 * already held by a message. Pure, so both engines decide alike.
 */
export function attachmentsToHold(
  ids: readonly string[],
  found: ReadonlyMap<
    string,
    Pick<StoredUpload, "uploaderId" | "released" | "messageId"> & Parameters<typeof attachmentOf>[0]
  >,
  authorId: string,
): Attachment[] | null {
  if (new Set(ids).size !== ids.length) return null;
  const held: Attachment[] = [];
  for (const id of ids) {
    const upload = found.get(id);
    if (!upload || upload.uploaderId !== authorId || upload.released || upload.messageId !== null)
      return null;
    held.push(attachmentOf(upload));
  }
  return held;
}
