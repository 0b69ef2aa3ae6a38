"use client";

import { useState } from "react";
import { fitInto, placeholderUrl } from "@/lib/client/image-box";
import { humanSize } from "@/lib/client/upload-state";
import { type Attachment, fileUrl, isInlineImage } from "@/lib/shared/protocol";

/**
 * A message's files under its text: pictures inline at their thumbnail size
 * (a click opens them full size), anything else as a download link with its
 * size and type. The server decides what counts as a picture (the sniffed
 * type), so a file named .png that is not one is offered as a download.
 */
export function Attachments({
  attachments,
  onOpenImage,
}: {
  attachments: readonly Attachment[];
  onOpenImage?: ((attachment: Attachment) => void) | undefined;
}) {
  if (attachments.length === 0) return null;
  const images = attachments.filter(isInlineImage);
  const others = attachments.filter((a) => !isInlineImage(a));
  return (
    <div className="mt-1 flex flex-col gap-1">
      {images.length > 0 && (
        <ul aria-label="Pictures" className="flex flex-wrap gap-2">
          {images.map((image) => (
            <li key={image.id}>
              <Thumbnail image={image} onOpen={onOpenImage} />
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <ul aria-label="Files" className="flex flex-col gap-1">
          {others.map((file) => (
            <li key={file.id}>
              <FileLink file={file} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The thumbnail in a box of its final size, its blurred placeholder drawn
 * underneath until the picture has loaded. Sized by the img's own width and
 * height attributes rather than inline styles, which the page's CSP refuses.
 */
function Thumbnail({
  image,
  onOpen,
}: {
  image: Attachment;
  onOpen?: ((attachment: Attachment) => void) | undefined;
}) {
  const [loaded, setLoaded] = useState(false);
  const box = fitInto(image);
  const placeholder = placeholderUrl(image.placeholder);
  const picture = (
    <span className="relative block overflow-hidden rounded-md bg-zinc-200 dark:bg-zinc-800">
      {placeholder && !loaded && (
        // biome-ignore lint/performance/noImgElement: a data: URL made in the browser, nothing for next/image to optimise.
        <img
          src={placeholder}
          alt=""
          aria-hidden="true"
          width={box.width}
          height={box.height}
          className="absolute inset-0 h-full w-full"
        />
      )}
      {/* biome-ignore lint/performance/noImgElement: files come through the permission-checked file route with the person's cookie; next/image would fetch them without it. */}
      <img
        src={fileUrl(image, "thumb")}
        alt={image.name}
        width={box.width}
        height={box.height}
        loading="lazy"
        decoding="async"
        onLoad={() => setLoaded(true)}
        ref={(element) => {
          // Already in the cache: the load event may have fired before React listened.
          if (element?.complete && element.naturalWidth > 0) setLoaded(true);
        }}
        className={`relative block max-w-full object-cover ${loaded ? "" : "opacity-0"}`}
      />
    </span>
  );
  if (!onOpen) return picture;
  return (
    <button
      type="button"
      onClick={() => onOpen(image)}
      title="Open full size"
      className="block rounded-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
    >
      {picture}
    </button>
  );
}

/** A short name for the type: the subtype in capitals ("PDF", "ZIP"), or "file" when unknown. */
function typeLabel(type: string): string {
  if (type === "application/octet-stream") return "file";
  const sub = type.split("/")[1] ?? type;
  return sub.replace(/^x-/, "").split(/[.+;]/)[0]?.toUpperCase() || type;
}

function FileLink({ file }: { file: Attachment }) {
  return (
    <a
      href={fileUrl(file)}
      download={file.name}
      className="inline-flex max-w-full items-baseline gap-2 rounded-md border border-zinc-300 px-2 py-1 text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-zinc-700 dark:hover:bg-zinc-800"
    >
      <span aria-hidden="true">📄</span>
      <span className="min-w-0 truncate font-medium text-indigo-700 underline dark:text-indigo-300">
        {file.name}
      </span>
      <span className="shrink-0 text-xs text-zinc-600 dark:text-zinc-400">
        {humanSize(file.size)}, {typeLabel(file.type)}
      </span>
    </a>
  );
}
