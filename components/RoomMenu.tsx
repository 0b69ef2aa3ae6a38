"use client";

import { type KeyboardEvent, useEffect, useRef, useState } from "react";

export type RoomTool =
  | "notifications"
  | "invite"
  | "members"
  | "settings"
  | "audit"
  | "claim"
  | "leave";

const LABELS: Record<RoomTool, string> = {
  notifications: "Notifications",
  invite: "Invite people",
  members: "Members",
  settings: "Room settings",
  audit: "Audit log",
  claim: "Claim room",
  leave: "Leave room",
};

/**
 * The room header's menu of the room's tools, only those the person may use.
 * A menu button: arrows move through the items, Escape closes it and goes
 * back to the button, choosing an item closes it.
 */
export function RoomMenu({
  tools,
  onChoose,
  labelled = false,
}: {
  tools: readonly RoomTool[];
  onChoose: (tool: RoomTool) => void;
  /** Say "Room menu" in words beside the icon (in the phone's room panel, where there is room). */
  labelled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLButtonElement>("[role=menuitem]")?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>("[role=menuitem]") ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    if (event.key === "ArrowDown") move(at + 1);
    else if (event.key === "ArrowUp") move(at - 1);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(items.length - 1);
    else if (event.key === "Escape") {
      event.preventDefault();
      setOpen(false);
      button.current?.focus();
    } else if (event.key === "Tab") setOpen(false);
  }

  if (tools.length === 0) return null;
  return (
    <div className="relative shrink-0">
      <button
        ref={button}
        type="button"
        data-room-menu=""
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? "room-menu" : undefined}
        aria-label={labelled ? undefined : "Room menu"}
        title={labelled ? undefined : "Room menu"}
        onClick={() => setOpen((was) => !was)}
        className={`flex items-center justify-center gap-1.5 rounded-md border border-zinc-300 text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800 ${labelled ? "px-2 py-1 text-sm" : "size-8"}`}
      >
        <svg aria-hidden="true" viewBox="0 0 16 16" fill="currentColor" className="size-4">
          <circle cx="3.5" cy="8" r="1.25" />
          <circle cx="8" cy="8" r="1.25" />
          <circle cx="12.5" cy="8" r="1.25" />
        </svg>
        {labelled && "Room menu"}
      </button>
      {open && (
        <div
          ref={menu}
          id="room-menu"
          role="menu"
          aria-label="Room menu"
          tabIndex={-1}
          onKeyDown={onKeyDown}
          className="absolute top-full left-0 z-30 mt-1 flex min-w-44 flex-col rounded-md border border-zinc-300 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {tools.map((tool) => (
            <button
              key={tool}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                setOpen(false);
                onChoose(tool);
              }}
              className={`px-3 py-1.5 text-left text-sm hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-none dark:focus-visible:bg-zinc-800 dark:hover:bg-zinc-800 ${tool === "leave" ? "text-red-800 dark:text-red-300" : ""}`}
            >
              {LABELS[tool]}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
