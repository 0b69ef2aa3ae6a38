import type { ServerResponse } from "node:http";

/**
 * Headers every HTTP response carries, pages and assets alike (the
 * Content-Security-Policy of pages, which needs a per-request nonce, is set
 * by proxy.ts). nosniff keeps a browser from running a response as a type it
 * was not served as; the referrer of a room URL never leaves the site; and no
 * other site may frame ours (frame-ancestors in the CSP, X-Frame-Options for
 * browsers that predate it).
 */
export const BASELINE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

export function setBaselineSecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) {
    response.setHeader(name, value);
  }
}
