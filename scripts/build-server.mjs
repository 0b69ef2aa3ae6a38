// Bundles server.ts (and the history copy, revocation and account tools) into dist/ for production (dependencies stay in node_modules).
import { writeFileSync } from "node:fs";
import { build } from "esbuild";
import { STAMP_FILE, sourceFingerprint } from "./build-fingerprint.mjs";

const root = process.cwd();
await build({
  entryPoints: {
    server: "server.ts",
    "copy-sqlite-to-postgres": "scripts/copy-sqlite-to-postgres.ts",
    "revoke-credentials": "scripts/revoke-credentials.ts",
    "user-admin": "scripts/user-admin.ts",
  },
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
writeFileSync(
  STAMP_FILE,
  JSON.stringify({ fingerprint: sourceFingerprint(root), builtAt: new Date().toISOString() }),
);
console.log("server bundled: dist/server.js");
