/**
 * A person's name, and beside it the tag that tells them apart when someone
 * else in the room shows the same or a look-alike name (see
 * lib/client/name-tags.ts). The tag is styled unlike any name, so a name
 * cannot imitate it.
 */
export function PersonName({
  name,
  tag,
  className = "",
}: {
  name: string;
  tag?: string | undefined;
  className?: string;
}) {
  return (
    <>
      <span className={className}>{name}</span>
      {/* A space between inline; in a flex row the gap does it instead. */}
      {tag && " "}
      {tag && (
        <span className="shrink-0 whitespace-nowrap rounded bg-amber-100 px-1 font-normal not-italic text-amber-900 text-xs dark:bg-amber-950 dark:text-amber-200">
          {tag}
        </span>
      )}
    </>
  );
}
