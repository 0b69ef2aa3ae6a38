import type { NameTags } from "@/lib/client/name-tags";
import type { OnlineView } from "@/lib/client/presence-state";
import type { User } from "@/lib/shared/protocol";
import { PersonName } from "./PersonName";

/** Who is in the room now, you first; one entry per person however many tabs they have open. */
export function OnlineList({
  online,
  me,
  tags,
  onMessage,
}: {
  online: OnlineView;
  me: User | null;
  tags: NameTags;
  /** Opens a direct conversation with the person; absent where none can be opened. */
  onMessage?: ((person: User) => void) | undefined;
}) {
  const unnamed = online.count - online.people.length;
  return (
    <section aria-labelledby="online-heading" className="space-y-2">
      <h2
        id="online-heading"
        className="flex items-center gap-2 font-semibold text-xs text-zinc-600 uppercase tracking-wide dark:text-zinc-400"
      >
        Online
        <span className="rounded-full bg-zinc-200 px-1.5 font-medium text-zinc-800 tabular-nums dark:bg-zinc-800 dark:text-zinc-200">
          {online.count}
        </span>
      </h2>
      <ul aria-label="Online" className="space-y-1">
        {online.people.map((person) => (
          <li key={person.id} className="flex min-w-0 items-center gap-2 text-sm">
            <span aria-hidden="true" className="size-2 shrink-0 rounded-full bg-emerald-500" />
            <PersonName name={person.name} tag={tags.get(person.id)} className="truncate" />
            {person.id === me?.id && (
              <span className="shrink-0 text-zinc-600 dark:text-zinc-400">(you)</span>
            )}
            {person.id !== me?.id && onMessage && (
              <button
                type="button"
                onClick={() => onMessage(person)}
                aria-label={`Message ${person.name}`}
                title={`Message ${person.name}`}
                className="ml-auto shrink-0 rounded px-1.5 py-0.5 text-indigo-700 text-xs hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-indigo-950"
              >
                Message
              </button>
            )}
          </li>
        ))}
      </ul>
      {unnamed > 0 && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">and {unnamed} more</p>
      )}
    </section>
  );
}
