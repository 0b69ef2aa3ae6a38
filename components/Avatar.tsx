import type { User } from "@/lib/shared/protocol";

/** Dark enough that white initials on them pass WCAG AA. */
const COLOURS = [
  "bg-indigo-700",
  "bg-emerald-700",
  "bg-rose-700",
  "bg-sky-700",
  "bg-violet-700",
  "bg-teal-700",
  "bg-fuchsia-700",
  "bg-amber-800",
];

function colourOf(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return COLOURS[Math.abs(hash) % COLOURS.length] as string;
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/u);
  const first = [...(words[0] ?? "")][0] ?? "?";
  const last = words.length > 1 ? ([...(words.at(-1) ?? "")][0] ?? "") : "";
  return (first + last).toUpperCase();
}

/** A person's initials on a colour of their own; decoration, since their name is always beside it. */
export function Avatar({ user, faded = false }: { user: User; faded?: boolean }) {
  return (
    <div
      aria-hidden="true"
      className={`flex size-9 select-none items-center justify-center rounded-full font-semibold text-sm text-white ${colourOf(user.id)} ${faded ? "opacity-60" : ""}`}
    >
      {initials(user.name)}
    </div>
  );
}
