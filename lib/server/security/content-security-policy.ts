/**
 * The Content-Security-Policy of a page: scripts run only with this
 * request's nonce (Next.js adds it to its own script tags when it finds the
 * policy on the request), and scripts those load ('strict-dynamic'); no
 * plugins, no <base> tricks, no framing by other sites, forms post only here.
 * Development adds 'unsafe-eval', which React uses there to rebuild server
 * error stacks, and inline styles for the dev overlay.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    // The notifications' service worker (public/sw.js); 'strict-dynamic' would not admit it by origin.
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

/** Random bytes, base64: unguessable, and a fresh one for every page response. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
