// `npx tsx scripts/icons.ts`: draws the raster icons from app/icon.svg, the one
// drawing of the logo: app/favicon.ico (for browsers and tools that ask for
// /favicon.ico), app/apple-icon.png, and the web app manifest's PNGs in
// public/icons/. Run it after changing the SVG, and commit what it writes.
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "@playwright/test";
import { findChromium } from "./find-browser.mjs";

const svg = readFileSync("app/icon.svg", "utf8");

/** An ICO file holding one PNG image, as every current browser reads it. */
function icoOf(png: Buffer, size: number): Buffer {
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(size % 256, 6); // width (0 means 256)
  header.writeUInt8(size % 256, 7); // height
  header.writeUInt8(0, 8); // no palette
  header.writeUInt8(0, 9); // reserved
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(png.length, 14);
  header.writeUInt32LE(header.length, 18); // where the image starts
  return Buffer.concat([header, png]);
}

const browser = await chromium.launch({ executablePath: await findChromium() });
try {
  const page = await browser.newPage();
  const draw = async (size: number): Promise<Buffer> => {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
    );
    return page.screenshot({ omitBackground: true });
  };
  writeFileSync("app/favicon.ico", icoOf(await draw(48), 48));
  writeFileSync("app/apple-icon.png", await draw(180));
  writeFileSync("public/icons/icon-192.png", await draw(192));
  writeFileSync("public/icons/icon-512.png", await draw(512));
} finally {
  await browser.close();
}
