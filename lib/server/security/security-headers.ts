import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { contentSecurityPolicy, createNonce } from "./content-security-policy";

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

const CSP = "content-security-policy";

function headerIn(headers: unknown, name: string): unknown {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return undefined;
  for (const [key, value] of Object.entries(headers as OutgoingHttpHeaders))
    if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * Makes sure no HTML leaves without a Content-Security-Policy. Pages get
 * theirs, with the nonce their scripts carry, from proxy.ts; an HTML response
 * that did not pass through it (Next.js's not-found page for a missing static
 * file, say) gets the same policy with a nonce nothing carries, so that no
 * inline script in it runs. Checked when the headers are written, since only
 * then is the content type known.
 */
export function ensureHtmlHasPolicy(response: ServerResponse, dev: boolean): void {
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const headers = args.find((arg, i) => i > 0 && typeof arg === "object");
    const type = String(headerIn(headers, "content-type") ?? this.getHeader("content-type") ?? "");
    const policy = headerIn(headers, CSP) ?? this.getHeader(CSP);
    if (/^\s*text\/html/i.test(type) && policy === undefined)
      this.setHeader(CSP, contentSecurityPolicy(createNonce(), dev));
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}
