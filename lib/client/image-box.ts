import { thumbHashToDataURL } from "thumbhash";

/**
 * The size an image is shown at in the timeline, known before it loads (from
 * the attachment's width and height), so that nothing below it moves when it
 * arrives: the picture scaled down to fit the box, never up.
 */
export const TIMELINE_IMAGE_BOX = { width: 320, height: 240 } as const;

export function fitInto(
  size: { width?: number | undefined; height?: number | undefined },
  box: { width: number; height: number } = TIMELINE_IMAGE_BOX,
): { width: number; height: number } {
  const { width, height } = size;
  // No size recorded (an older attachment): a box of the full size, so the layout still holds still.
  if (!width || !height || width <= 0 || height <= 0) return { ...box };
  const scale = Math.min(1, box.width / width, box.height / height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** The ThumbHash placeholder as an image address, or null when there is none or it is unreadable. */
export function placeholderUrl(placeholder: string | undefined): string | null {
  if (!placeholder) return null;
  try {
    const bytes = Uint8Array.from(atob(placeholder), (c) => c.charCodeAt(0));
    return thumbHashToDataURL(bytes);
  } catch {
    return null;
  }
}

/** The next image when stepping with the arrow keys: stops at the ends rather than wrapping. */
export function stepIndex(index: number, by: -1 | 1, count: number): number {
  return Math.min(Math.max(index + by, 0), Math.max(count - 1, 0));
}
