import { fileTypeFromFile } from "file-type";

/** What nothing was recognised as: served as a download, never shown. */
export const UNKNOWN_TYPE = "application/octet-stream";

/**
 * The file's type from its first bytes (file-type's signatures), never from
 * its name or the uploader's Content-Type, which anyone can set to anything.
 * Text formats (HTML, SVG, scripts) have no signature and come out unknown,
 * which is what we want: they are only ever downloads.
 */
export async function sniffType(path: string): Promise<string> {
  const found = await fileTypeFromFile(path);
  return found?.mime ?? UNKNOWN_TYPE;
}
