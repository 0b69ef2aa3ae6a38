// `npm test`: typecheck, lint, unit and integration tests, production build, browser tests.
import { buildIsCurrent } from "./build-fingerprint.mjs";
import { findChromium } from "./find-browser.mjs";
import { runSteps } from "./run-steps.mjs";

const root = process.cwd();
const bin = (name) => `${root}/node_modules/.bin/${name}`;
const extra = process.argv.slice(2);

let chromium;
try {
  chromium = await findChromium();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

runSteps([
  { name: "typecheck", command: bin("tsc"), args: ["--noEmit"] },
  { name: "lint", command: bin("biome"), args: ["check", "."] },
  { name: "unit + integration", command: bin("vitest"), args: ["run"] },
  {
    name: "production build",
    command: "npm",
    args: ["run", "build"],
    skip: () => buildIsCurrent(root),
  },
  {
    name: "browser (e2e)",
    command: bin("playwright"),
    args: ["test", ...extra],
    env: { CHROMIUM_PATH: chromium },
  },
]);
