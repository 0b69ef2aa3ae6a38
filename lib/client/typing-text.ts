/** "Ana is typing…", "Ana and Bea are typing…", "Ana and 2 others are typing…"; empty when nobody is. */
export function typingText(names: readonly string[]): string {
  const [first, second] = names;
  if (first === undefined) return "";
  if (second === undefined) return `${first} is typing…`;
  if (names.length === 2) return `${first} and ${second} are typing…`;
  const others = names.length - 1;
  return `${first} and ${others} others are typing…`;
}
