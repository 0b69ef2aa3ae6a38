import type { ByteRange } from "./file-storage";

/**
 * What a `Range` header asks of a file of `size` bytes: the whole file (no
 * header, or one we do not serve — several ranges, another unit — which
 * RFC 9110 lets a server ignore), one satisfiable range, or "unsatisfiable"
 * (416). Only `bytes=a-b`, `bytes=a-` and `bytes=-n`.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | "whole" | "unsatisfiable" {
  if (header === undefined) return "whole";
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return "whole";
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return "whole";
  if (first === "") {
    // A suffix: the last n bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return "whole";
  return { start, end };
}
