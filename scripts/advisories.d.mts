export type Advisory = { package: string; id: string; what: string; fixedIn: string };
export const ADVISORIES: readonly Advisory[];
export function lockedVersions(
  lockfile: { packages?: Record<string, { version: string }> },
  name: string,
): { path: string; version: string }[];
export function atLeast(a: string, b: string): boolean;
