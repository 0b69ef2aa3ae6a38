// Known advisories against the packages that face the network, with the
// version that fixed each on the major line we use. docs/security.md lists
// them; advisories.test.ts fails if package-lock.json resolves any copy of
// these packages below its fix. `npm audit --omit=dev` is the general check.
export const ADVISORIES = [
  {
    package: "socket.io",
    id: "CVE-2024-38355 (GHSA-25hc-qcg6-38wj)",
    what: "an `error` event sent by a client crashes the server",
    fixedIn: "4.6.2",
  },
  {
    package: "socket.io-parser",
    id: "CVE-2022-2421 (GHSA-qm95-pgcg-qqfq)",
    what: "type confusion in attachment placeholders",
    fixedIn: "4.2.1",
  },
  {
    package: "socket.io-parser",
    id: "CVE-2023-32695 (GHSA-cqmj-92xf-r6r9)",
    what: "a malformed packet crashes the server",
    fixedIn: "4.2.3",
  },
  {
    package: "socket.io-parser",
    id: "CVE-2026-33151 (GHSA-677m-j7p3-52f9)",
    what: "unbounded binary attachments exhaust memory",
    fixedIn: "4.2.6",
  },
  {
    package: "socket.io-parser",
    id: "GHSA-2m8v-j782-fhvr",
    what: "memory exhaustion through a zero-attachment binary packet",
    fixedIn: "4.2.7",
  },
  {
    package: "engine.io",
    id: "CVE-2022-21676 (GHSA-273r-mgr4-v34f)",
    what: "a crafted HTTP request crashes the server",
    fixedIn: "6.1.1",
  },
  {
    package: "engine.io",
    id: "CVE-2022-41940 (GHSA-r7qp-cfhv-p84w)",
    what: "a crafted request crashes the server",
    fixedIn: "6.2.1",
  },
  {
    package: "engine.io",
    id: "CVE-2023-31125 (GHSA-q9mw-68c2-j6m5)",
    what: "a crafted request crashes the server",
    fixedIn: "6.4.2",
  },
  {
    package: "engine.io",
    id: "CVE-2026-59725",
    what: "denial of service through invalid binary POST requests",
    fixedIn: "6.6.7",
  },
  {
    package: "ws",
    id: "CVE-2024-37890 (GHSA-3h5v-q93c-6h6q)",
    what: "a request with many HTTP headers crashes the server",
    fixedIn: "8.17.1",
  },
  {
    package: "ws",
    id: "CVE-2026-45736 (GHSA-58qx-3vcg-4xpx)",
    what: "uninitialized memory disclosed through close() with a TypedArray",
    fixedIn: "8.20.1",
  },
  {
    package: "ws",
    id: "CVE-2026-48779 (GHSA-96hv-2xvq-fx4p)",
    what: "memory exhaustion through tiny frame fragments",
    fixedIn: "8.21.0",
  },
  {
    package: "next",
    id: "CVE-2025-29927 (GHSA-f82v-jwr5-mffw)",
    what: "middleware (proxy) bypass with x-middleware-subrequest",
    fixedIn: "15.2.3",
  },
  {
    package: "next",
    id: "CVE-2025-66478 (React: CVE-2025-55182)",
    what: "remote code execution through React Server Components payloads",
    fixedIn: "16.0.7",
  },
  {
    package: "next",
    id: "CVE-2025-55184, CVE-2025-55183, CVE-2025-67779",
    what: "Server Components denial of service and source code exposure",
    fixedIn: "16.0.10",
  },
  {
    package: "next",
    id: "CVE-2026-23869",
    what: "Server Components denial of service",
    fixedIn: "16.2.3",
  },
  {
    package: "next",
    id: "May 2026 release: CVE-2026-23870, GHSA-c4j6-fc7j-m34r and eleven more",
    what: "WebSocket-upgrade SSRF, proxy bypasses, CSP-nonce XSS, cache poisoning, denial of service",
    fixedIn: "16.2.6",
  },
];

/** Every version of `name` that the lockfile installs, nested copies included. */
export function lockedVersions(lockfile, name) {
  return Object.entries(lockfile.packages ?? {})
    .filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
    .map(([path, entry]) => ({ path, version: entry.version }));
}

/** a >= b for plain x.y.z versions. */
export function atLeast(a, b) {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) > (pb[i] ?? 0);
  }
  return true;
}
