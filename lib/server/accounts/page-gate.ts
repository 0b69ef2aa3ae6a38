/**
 * What a request needs when guests are off (GUEST_ACCESS=off): the sign-in
 * pages and what they load are open to everyone; every other page sends a
 * stranger to sign in first; the JSON API answers 401.
 */
export type GatedPath = "open" | "page" | "api";

const OPEN_PAGES = new Set(["/sign-in", "/sign-up", "/reset-password"]);
const OPEN_FILES = new Set([
  "/favicon.ico",
  "/icon.svg",
  "/apple-icon.png",
  "/manifest.webmanifest",
  "/robots.txt",
]);

export function gatedPath(path: string): GatedPath {
  if (OPEN_PAGES.has(path) || OPEN_FILES.has(path)) return "open";
  if (path.startsWith("/_next/") || path === "/api/auth" || path.startsWith("/api/auth/"))
    return "open";
  if (path === "/api" || path.startsWith("/api/")) return "api";
  return "page";
}

/** Where a stranger is sent: sign-in, then back to the page they asked for (same site only). */
export function signInRedirect(pathAndQuery: string): string {
  const next = pathAndQuery.startsWith("/") && !pathAndQuery.startsWith("//") ? pathAndQuery : "/";
  return next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`;
}
