// `npm run test:e2e`: the browser tests alone, against a current production build.
import { buildIsCurrent } from "./build-fingerprint.mjs";
import { findChromium } from "./find-browser.mjs";
import { runSteps } from "./run-steps.mjs";

const root = process.cwd();
let chromium;
try {
  chromium = await findChromium();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

runSteps([
  {
    name: "production build",
    command: "npm",
    args: ["run", "build"],
    skip: () => buildIsCurrent(root),
  },
  {
    name: "browser (e2e)",
    command: `${root}/node_modules/.bin/playwright`,
    args: ["test", ...process.argv.slice(2)],
    env: { CHROMIUM_PATH: chromium },
  },
]);
