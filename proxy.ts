import { type NextRequest, NextResponse } from "next/server";
import { contentSecurityPolicy, createNonce } from "./lib/server/security/content-security-policy";

/**
 * Gives every page response a Content-Security-Policy with a fresh nonce.
 * Next.js reads the policy from the request while rendering and puts the
 * nonce on its own scripts; the browser enforces the copy on the response.
 */
export function proxy(request: NextRequest) {
  const policy = contentSecurityPolicy(createNonce(), process.env.NODE_ENV === "development");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: Socket.IO, the health check and static files (the icons and
      // the web app manifest among them) need no policy (engine.io and the
      // health check answer before Next.js anyway). Prefetches included: a page
      // fetched ahead (`Purpose: prefetch`, a router prefetch) is the page the
      // browser then shows, so it needs the policy as much as any other;
      // anything else answered as HTML without one gets a fallback policy from
      // the HTTP handler.
      source:
        "/((?!socket\\.io|healthz|_next/static|_next/image|favicon\\.ico|icon\\.svg|apple-icon\\.png|icons/|manifest\\.webmanifest).*)",
    },
  ],
};
