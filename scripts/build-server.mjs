// Bundles server.ts and lib/ into dist/server.js for production (dependencies stay in node_modules).
import { writeFileSync } from "node:fs";
import { build } from "esbuild";
import { STAMP_FILE, sourceFingerprint } from "./build-fingerprint.mjs";

const root = process.cwd();
await build({
  entryPoints: ["server.ts"],
  outfile: "dist/server.js",
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
