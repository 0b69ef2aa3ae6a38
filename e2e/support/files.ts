import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";

/**
 * Files for the upload tests, made for real: a PNG drawn on a canvas in the
 * page and pasted through a real ClipboardEvent, and random bytes (which no
 * compression shrinks, so their upload takes the time their size says).
 */

/** Pastes a PNG of random pixels, `width`×`height`, named `name`, into the message box. */
export async function pastePicture(
  page: Page,
  name: string,
  size: { width: number; height: number },
): Promise<void> {
  await page.getByRole("textbox", { name: "Message" }).focus();
  await page.evaluate(
    async ({ name, width, height }) => {
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext("2d");
      if (!context) throw new Error("no 2d canvas");
      const pixels = context.createImageData(width, height);
      crypto.getRandomValues(pixels.data.subarray(0, Math.min(pixels.data.length, 65_536)));
      for (let i = 65_536; i < pixels.data.length; i += 65_536)
        crypto.getRandomValues(pixels.data.subarray(i, Math.min(pixels.data.length, i + 65_536)));
      for (let i = 3; i < pixels.data.length; i += 4) pixels.data[i] = 255;
      context.putImageData(pixels, 0, 0);
      const blob = await new Promise<Blob>((resolve, reject) =>
        canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("no PNG"))), "image/png"),
      );
      const data = new DataTransfer();
      data.items.add(new File([blob], name, { type: "image/png" }));
      const box = document.activeElement;
      if (!box) throw new Error("nothing focused to paste into");
      box.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
      );
    },
    { name, ...size },
  );
}

/**
 * Pastes a file of `bytes` zeros made in the page: a large file without
 * carrying its bytes through the test's protocol to the browser.
 */
export async function pasteZeros(page: Page, name: string, bytes: number): Promise<void> {
  await page.getByRole("textbox", { name: "Message" }).focus();
  await page.evaluate(
    ({ name, bytes }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name));
      document.activeElement?.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
      );
    },
    { name, bytes },
  );
}

/** A file of `bytes` random bytes, for `setInputFiles`. */
export function randomFile(name: string, bytes: number) {
  return { name, mimeType: "application/octet-stream", buffer: randomBytes(bytes) };
}

/**
 * Slows the page's uploads to `bytesPerSecond` (Chromium's own network
 * emulation, through CDP), so that a test can see a progress bar part-way
 * and cut the link while a file is in flight; `lift()` ends the limit.
 */
export async function throttleUploads(
  page: Page,
  bytesPerSecond: number,
): Promise<{ lift(): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  const conditions = (upload: number) => ({
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: upload,
  });
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", conditions(bytesPerSecond));
  return {
    async lift() {
      await cdp.send("Network.emulateNetworkConditions", conditions(-1));
      await cdp.detach();
    },
  };
}

/**
 * Drags a small text file over the room and drops it, as the browser fires
 * the events (dragenter, dragover, drop with a DataTransfer holding a File).
 * `beforeDrop` runs while the file is held over the room.
 */
export async function dropFile(
  page: Page,
  name: string,
  beforeDrop: () => Promise<void>,
): Promise<void> {
  const data = await page.evaluateHandle((name) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(["dropped words"], name, { type: "text/plain" }));
    return transfer;
  }, name);
  const room = page.getByRole("main");
  await room.dispatchEvent("dragenter", { dataTransfer: data });
  await room.dispatchEvent("dragover", { dataTransfer: data });
  await beforeDrop();
  await room.dispatchEvent("drop", { dataTransfer: data });
  await data.dispose();
}
