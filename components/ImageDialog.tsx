"use client";

import { useEffect, useId, useRef } from "react";
import { stepIndex } from "@/lib/client/image-box";
import { humanSize } from "@/lib/client/upload-state";
import { type Attachment, fileUrl } from "@/lib/shared/protocol";

/**
 * A picture full size (the server's preview variant), in a modal dialog
 * named by the file: Escape closes it (the caller puts focus back on the
 * thumbnail), the arrow keys step through the room's loaded pictures, and a
 * link gives the original file.
 */
export function ImageDialog({
  images,
  index,
  onStep,
  onClose,
}: {
  /** The room's pictures, oldest first, as loaded. */
  images: readonly Attachment[];
  index: number;
  onStep: (index: number) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const image = images[index];
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    element.showModal();
    close.current?.focus();
    return () => element.close();
  }, []);
  if (!image) return null;
  const step = (by: -1 | 1) => onStep(stepIndex(index, by, images.length));
  const buttonClass =
    "rounded-md border border-zinc-300 px-3 py-1.5 font-medium text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 aria-disabled:opacity-50 dark:border-zinc-600 dark:hover:bg-zinc-800";
  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => {
        if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
          event.preventDefault();
          step(event.key === "ArrowLeft" ? -1 : 1);
        }
      }}
      className="m-auto max-h-[95vh] max-w-[95vw] rounded-lg border border-zinc-300 bg-white p-3 text-zinc-900 shadow-xl backdrop:bg-black/70 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 id={titleId} className="min-w-0 truncate font-semibold">
          {image.name}
        </h2>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {index + 1} of {images.length}
        </p>
      </div>
      {/* biome-ignore lint/performance/noImgElement: files come through the permission-checked file
      route with the person's cookie; next/image would fetch them without it. */}
      <img
        key={image.id}
        src={fileUrl(image, "preview")}
        alt={image.name}
        width={image.width}
        height={image.height}
        className="mx-auto block h-auto max-h-[75vh] w-auto max-w-full object-contain"
      />
      <div className="mt-3 flex flex-wrap items-center justify-between gap-2">
        <div className="flex gap-2">
          <button
            type="button"
            onClick={() => step(-1)}
            aria-disabled={index === 0 || undefined}
            className={buttonClass}
          >
            <span aria-hidden="true">← </span>Previous
          </button>
          <button
            type="button"
            onClick={() => step(1)}
            aria-disabled={index >= images.length - 1 || undefined}
            className={buttonClass}
          >
            Next<span aria-hidden="true"> →</span>
          </button>
        </div>
        <div className="flex items-center gap-2">
          <a
            href={fileUrl(image)}
            download={image.name}
            className="rounded-md px-2 py-1.5 text-indigo-700 text-sm underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
          >
            Download original ({humanSize(image.size)})
          </a>
          <button ref={close} type="button" onClick={onClose} className={buttonClass}>
            Close
          </button>
        </div>
      </div>
    </dialog>
  );
}
