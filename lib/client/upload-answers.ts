import type { Attachment, UploadFinished, UploadRefused } from "../shared/protocol";

/**
 * Reading what the upload route answered. Pure, so the tests can feed it the
 * answers a real server gives, and the tus wiring (uploads.ts) stays I/O only.
 */

function parseJson(text: string | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isAttachment(value: unknown): value is Attachment {
  if (typeof value !== "object" || value === null) return false;
  const a = value as Record<string, unknown>;
  return (
    typeof a.id === "string" &&
    typeof a.name === "string" &&
    typeof a.size === "number" &&
    typeof a.type === "string" &&
    (a.width === undefined || typeof a.width === "number") &&
    (a.height === undefined || typeof a.height === "number") &&
    (a.placeholder === undefined || typeof a.placeholder === "string")
  );
}

/** The attachment in the body of the answer that finished the upload, or null if it holds none. */
export function finishedAttachment(body: string | undefined): Attachment | null {
  const parsed = parseJson(body) as Partial<UploadFinished> | null;
  return parsed && isAttachment(parsed.attachment) ? parsed.attachment : null;
}

function refusalOf(value: unknown): UploadRefused | null {
  if (typeof value !== "object" || value === null) return null;
  const r = value as Record<string, unknown>;
  return typeof r.code === "string" && typeof r.message === "string"
    ? { code: r.code, message: r.message }
    : null;
}

/**
 * The status codes after which sending the same bytes again can succeed: no
 * answer at all (the link dropped), a conflict over the offset (tus then asks
 * the offset and resumes), a lock still held by the dropped request, a rate
 * limit, and the server's own trouble.
 */
export function worthRetrying(status: number): boolean {
  return status === 0 || status === 409 || status === 423 || status === 429 || status >= 500;
}

/** The header is URI-encoded (headers carry no arbitrary text); one that is not is read as it is. */
function decodeHeader(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Why an upload failed, in words for the person: the server's own reason
 * when it gave one (`UploadRefused`, in the body or the `Upload-Error`
 * header), else what the status means.
 */
export function failureReason(answer: { status: number; header?: string; body?: string }): string {
  const header = answer.header ? decodeHeader(answer.header) : undefined;
  const refused = refusalOf(parseJson(answer.body)) ?? refusalOf(parseJson(header));
  if (refused) return refused.message;
  if (header) return header;
  if (answer.status === 0) return "The link to the server dropped.";
  if (answer.status === 413) return "The file is too large.";
  if (answer.status === 401 || answer.status === 403)
    return "You may not upload files to this room.";
  if (answer.status === 429) return "Too many uploads; wait a little and retry.";
  return `The server could not take the file (${answer.status}).`;
}
