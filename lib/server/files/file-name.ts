/** The longest name kept of an uploaded file, in characters (the rest of it is cut, keeping the extension). */
export const MAX_FILE_NAME_LENGTH = 200;

/**
 * The uploader's file name as we keep and show it: no directories (either
 * slash: a Windows path arrives with backslashes), no control or bidi-override
 * characters (which would disguise `gpj.exe` as `exe.jpg`), no leading dots,
 * at most MAX_FILE_NAME_LENGTH characters with the extension kept; "file"
 * when nothing is left. It is only ever a label: the type comes from the content.
 */
export function cleanFileName(raw: string | null | undefined): string {
  const base = (raw ?? "").split(/[/\\]/).at(-1) ?? "";
  const cleaned = base
    .normalize("NFC")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .trim()
    .replace(/^\.+/, "")
    .trim();
  if (cleaned.length === 0) return "file";
  const chars = Array.from(cleaned);
  if (chars.length <= MAX_FILE_NAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 ? Array.from(cleaned.slice(dot)) : [];
  if (extension.length > 0 && extension.length <= 16) {
    const stem = Array.from(cleaned.slice(0, dot)).slice(
      0,
      MAX_FILE_NAME_LENGTH - extension.length,
    );
    return stem.join("").trimEnd() + extension.join("");
  }
  return chars.slice(0, MAX_FILE_NAME_LENGTH).join("").trimEnd();
}
