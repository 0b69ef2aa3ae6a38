// The JavaScript a browser loads before a page can run, from the last
// `next build`: the root chunks every page shares plus the chunks of the
// page's layout and entry, raw and gzipped. Chunks loaded on demand (the
// emoji picker's) are not counted, which is the point: run it before and
// after a change to see what the first load gained.
//   node scripts/first-load-js.mjs [route, default /chat/[room]]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const route = process.argv[2] ?? "/chat/[room]";
const next = ".next";
const build = JSON.parse(readFileSync(join(next, "build-manifest.json"), "utf8"));
const manifestFile = join(next, "server/app", route, "page_client-reference-manifest.js");
globalThis.__RSC_MANIFEST = {};
new Function(readFileSync(manifestFile, "utf8"))();
const manifest = globalThis.__RSC_MANIFEST[`${route}/page`];
const entries = manifest.entryJSFiles;
const files = new Set([
  ...build.rootMainFiles,
  ...(entries["[project]/app/layout"] ?? []),
  ...(entries[`[project]/app${route}/page`] ?? []),
]);
let raw = 0;
let gzip = 0;
for (const file of files) {
  const bytes = readFileSync(join(next, file));
  raw += bytes.length;
  gzip += gzipSync(bytes).length;
}
console.log(
  `${route}: ${files.size} chunks, ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzipped`,
);
