import { unstable_doesMiddlewareMatch as proxyRunsFor } from "next/experimental/testing/server";
import { describe, expect, it } from "vitest";
import { config } from "../../../proxy";
import { contentSecurityPolicy, createNonce } from "./content-security-policy";

const directives = (policy: string) =>
  new Map(
    policy.split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

describe("the Content-Security-Policy of a page", () => {
  it("runs only scripts carrying this response's nonce, and forbids plugins, base and framing", () => {
    const policy = directives(contentSecurityPolicy("abc123", false));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(policy.get("style-src")).toEqual(["'self'", "'nonce-abc123'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect([...policy.values()].flat()).not.toContain("'unsafe-inline'");
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
  });

  it("allows eval and inline styles in development only, for React's dev tooling", () => {
    const policy = directives(contentSecurityPolicy("abc123", true));
    expect(policy.get("script-src")).toContain("'unsafe-eval'");
    expect(policy.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  });

  it("makes a fresh, unguessable nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("the proxy that sets the policy", () => {
  it.each([
    ["a page", {}],
    ["a page the browser prefetches (Purpose)", { purpose: "prefetch" }],
    ["a page the browser prefetches (Sec-Purpose)", { "sec-purpose": "prefetch" }],
    ["a Next.js router prefetch", { "next-router-prefetch": "1", rsc: "1" }],
  ])("runs for %s", (_, headers) => {
    expect(proxyRunsFor({ config, url: "/chat/general", headers })).toBe(true);
    expect(proxyRunsFor({ config, url: "/", headers })).toBe(true);
  });

  it.each(["/socket.io/?EIO=4&transport=polling", "/healthz", "/_next/static/chunks/main.js"])(
    "leaves %s alone",
    (url) => {
      expect(proxyRunsFor({ config, url })).toBe(false);
    },
  );
});
