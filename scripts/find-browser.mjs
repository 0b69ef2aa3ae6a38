// Finds a Chromium for Playwright: its own download, else the system's, else tries to download one.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const SYSTEM_CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/lib/chromium/chromium",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

async function playwrightChromium() {
  try {
    const { chromium } = await import("playwright-core");
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function systemChromium() {
  for (const candidate of SYSTEM_CANDIDATES) if (existsSync(candidate)) return candidate;
  for (const command of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      const path = execFileSync("which", [command], { encoding: "utf8" }).trim();
      if (path) return path;
    } catch {
      // not on PATH
    }
  }
  return null;
}

/** The path of a Chromium executable, or an Error explaining what to install. */
export async function findChromium({ allowDownload = true } = {}) {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (existsSync(configured)) return configured;
    throw new Error(`CHROMIUM_PATH is set to ${configured}, which does not exist.`);
  }
  const found = (await playwrightChromium()) ?? systemChromium();
  if (found) return found;
  if (allowDownload) {
    console.log("No Chromium found; trying `npx playwright install chromium`…");
    spawnSync("npx", ["playwright", "install", "chromium"], {
      stdio: "inherit",
      timeout: 5 * 60_000,
    });
    const downloaded = await playwrightChromium();
    if (downloaded) return downloaded;
  }
  throw new Error(
    [
      "No Chromium browser found for the browser tests. Install one of:",
      "  - Debian/Ubuntu: sudo apt-get install -y chromium",
      "  - any system:    npx playwright install chromium",
      "or point CHROMIUM_PATH at a Chromium or Chrome executable.",
    ].join("\n"),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  findChromium().then(
    (path) => console.log(path),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
