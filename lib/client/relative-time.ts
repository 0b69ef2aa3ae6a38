/** Messages younger than this show how long ago they were written; older ones, when. */
export const RELATIVE_FOR_MS = 60 * 60_000;
/** Younger than this is "just now": a minute count would tick over too soon to be worth reading. */
const JUST_NOW_MS = 45_000;

export type TimeFormatOptions = {
  locale?: string | undefined;
  /** IANA time zone; the browser's own when unset. */
  timeZone?: string | undefined;
};

const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => T,
): T {
  let format = cache.get(key) as T | undefined;
  if (!format) {
    format = make();
    cache.set(key, format);
  }
  return format;
}

function dateTimeFormat(
  { locale, timeZone }: TimeFormatOptions,
  name: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  return cached(`${name}|${locale}|${timeZone}`, () =>
    timeZone === undefined
      ? new Intl.DateTimeFormat(locale, options)
      : new Intl.DateTimeFormat(locale, { ...options, timeZone }),
  );
}

function relativeFormat({ locale }: TimeFormatOptions): Intl.RelativeTimeFormat {
  return cached(
    `relative|${locale}`,
    () => new Intl.RelativeTimeFormat(locale, { numeric: "auto" }),
  );
}

/** Days since 1970 of the calendar date the instant falls on in the time zone. */
function calendarDay(date: Date, options: TimeFormatOptions): number {
  const parts = dateTimeFormat(options, "day", {
    year: "numeric",
    month: "numeric",
    day: "numeric",
  }).formatToParts(date);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part("year"), part("month") - 1, part("day")) / 86_400_000;
}

/**
 * A message's time as a reader wants it: "just now", "12 minutes ago", then
 * the clock time today, "yesterday 14:05", and a date further back. Times a
 * little in the future (another machine's clock) count as just now.
 */
export function relativeTime(then: Date, now: Date, options: TimeFormatOptions = {}): string {
  const age = now.getTime() - then.getTime();
  if (age < JUST_NOW_MS) return "just now";
  if (age < RELATIVE_FOR_MS)
    return relativeFormat(options).format(-Math.max(1, Math.floor(age / 60_000)), "minute");
  const clock = dateTimeFormat(options, "clock", { hour: "2-digit", minute: "2-digit" }).format(
    then,
  );
  const daysAgo = calendarDay(now, options) - calendarDay(then, options);
  if (daysAgo <= 0) return clock;
  if (daysAgo === 1) return `${relativeFormat(options).format(-1, "day")} ${clock}`;
  const sameYear =
    dateTimeFormat(options, "year", { year: "numeric" }).format(then) ===
    dateTimeFormat(options, "year", { year: "numeric" }).format(now);
  return dateTimeFormat(
    options,
    sameYear ? "date" : "date-year",
    sameYear
      ? { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }
      : { day: "numeric", month: "short", year: "numeric" },
  ).format(then);
}

/** The full date and time, for the tooltip. */
export function exactTime(then: Date, options: TimeFormatOptions = {}): string {
  return dateTimeFormat(options, "exact", { dateStyle: "full", timeStyle: "medium" }).format(then);
}
