/**
 * The typing line as parts, the typists in their places: "Ana is typing…",
 * "Ana and Bea are typing…", "Ana and 2 others are typing…"; empty when
 * nobody is. The parts let a typist be shown with their name tag.
 */
export function typingParts<T>(typists: readonly T[]): (T | string)[] {
  const [first, second] = typists;
  if (first === undefined) return [];
  if (second === undefined) return [first, " is typing…"];
  if (typists.length === 2) return [first, " and ", second, " are typing…"];
  const others = typists.length - 1;
  return [first, ` and ${others} others are typing…`];
}

/** The typing line as text. */
export function typingText(names: readonly string[]): string {
  return typingParts(names).join("");
}
