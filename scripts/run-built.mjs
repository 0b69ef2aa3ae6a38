// Runs one of the tools bundled into dist/ (scripts/build-server.mjs), or says
// how to build them on a checkout that has not been built yet:
//   node scripts/run-built.mjs user-admin [arguments…]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { STAMP_FILE, sourceFingerprint } from "./build-fingerprint.mjs";

const root = process.cwd();
const [tool, ...args] = process.argv.slice(2);
if (!tool || !/^[a-z0-9-]+$/.test(tool)) {
  console.error("usage: node scripts/run-built.mjs <tool> [arguments…]");
  process.exit(2);
}
const bundle = join(root, "dist", `${tool}.js`);
if (!existsSync(bundle)) {
  console.error(`dist/${tool}.js is missing: run \`npm run build\` first.`);
  process.exit(1);
}
try {
  const stamp = JSON.parse(readFileSync(join(root, STAMP_FILE), "utf8"));
  if (stamp.fingerprint !== sourceFingerprint(root))
    console.error(
      `note: dist/ was built from other sources; \`npm run build\` to bring ${tool} up to date.`,
    );
} catch {
  // No stamp: an older build; the tool still runs.
}
process.argv = [process.argv[0] ?? "node", bundle, ...args];
await import(pathToFileURL(bundle).href);
