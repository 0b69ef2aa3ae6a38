import { type ImageVariant, INLINE_IMAGE_TYPES } from "../../shared/protocol/attachments";

/**
 * Whether a file is shown in the page (a picture) or only ever downloaded.
 * Only the image types a browser renders as an image, never as a document;
 * HTML, SVG (which runs script), PDFs, executables and anything unknown are
 * attachments, so a file can never run as a page of this origin.
 */
export function dispositionKind(type: string): "inline" | "attachment" {
  return INLINE_IMAGE_TYPES.includes(type) ? "inline" : "attachment";
}

/** `Content-Disposition` for a file: RFC 6266 with an RFC 8187 UTF-8 name, and an ASCII fallback. */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%;]/g, "_");
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The file route's own policy: nothing may load or run (`default-src
 * 'none'`), and a document opened anyway is sandboxed (a unique origin, no
 * script). An image shown directly needs its own bytes and inline styles of
 * the browser's image viewer, and nothing more.
 */
export function fileContentSecurityPolicy(kind: "inline" | "attachment"): string {
  return kind === "inline"
    ? "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    : "default-src 'none'; sandbox";
}

/** A strong validator: the content never changes under a key, so the key (and variant) is the ETag. */
export function fileEtag(contentKey: string, variant: ImageVariant | null): string {
  return `"${contentKey}${variant ? `.${variant}` : ""}"`;
}

/** Whether If-None-Match names this ETag (or `*`); weak comparison, as RFC 9110 asks for GET. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, "");
  return ifNoneMatch
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === bare);
}
