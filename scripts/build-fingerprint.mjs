// The production build is current when it was made from exactly these sources.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SOURCES = [
  "app",
  "components",
  "lib",
  "server.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
  "proxy.ts",
];
const SKIP = /(^|\/)(node_modules|\.next)(\/|$)|\.test\.tsx?$/;

function* files(root, path) {
  const full = join(root, path);
  if (!existsSync(full)) return;
  if (statSync(full).isDirectory()) {
    for (const entry of readdirSync(full).sort()) yield* files(root, join(path, entry));
  } else if (!SKIP.test(path)) {
    yield path;
  }
}

export function sourceFingerprint(root) {
  const hash = createHash("sha256");
  for (const source of SOURCES) {
    for (const file of files(root, source)) {
      hash.update(relative(root, join(root, file)));
      hash.update("\0");
      hash.update(readFileSync(join(root, file)));
      hash.update("\0");
    }
  }
  return hash.digest("hex");
}

export const STAMP_FILE = "dist/build-stamp.json";

/** True when .next and dist/ hold a production build of the current sources. */
export function buildIsCurrent(root) {
  const at = (path) => join(root, path);
  if (
    !existsSync(at(".next/BUILD_ID")) ||
    !existsSync(at("dist/server.js")) ||
    !existsSync(at(STAMP_FILE))
  ) {
    return false;
  }
  try {
    return JSON.parse(readFileSync(at(STAMP_FILE), "utf8")).fingerprint === sourceFingerprint(root);
  } catch {
    return false;
  }
}
