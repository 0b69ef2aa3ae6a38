"use client";

import { useEffect, useId, useState } from "react";
import {
  type NotificationSupport,
  notificationSupport,
  previewsAllowed,
  registerWorker,
  setPreviewsAllowed,
  subscribeToPush,
} from "@/lib/client/desktop-notifications";
import { connectChatSocket, releaseChatSocket } from "@/lib/client/socket";
import { ask, type Requester } from "@/lib/client/socket-request";
import {
  DEFAULT_NOTIFICATION_LEVEL,
  type NotificationLevel,
} from "@/lib/shared/notification-levels";
import { PRIMARY_BUTTON, RoomDialog, ToolNote } from "./RoomDialog";

type Note = { text: string; error: boolean } | null;

const LEVELS: { level: NotificationLevel; label: string; hint: string }[] = [
  { level: "all", label: "All messages", hint: "Every new message in this room." },
  {
    level: "mentions",
    label: "Mentions and direct messages",
    hint: "When someone mentions you, @room or @here, and every message of a direct conversation.",
  },
  { level: "nothing", label: "Nothing", hint: "No notifications from this room." },
];

/**
 * A room's notifications: the person's level here (kept by the server, the
 * same on every device), the button that asks the browser for permission —
 * the only place it is ever asked — and whether notifications may show the
 * message's text.
 */
export function NotificationsDialog({
  room,
  client,
  onClose,
}: {
  room: string;
  client: Requester | null;
  onClose: () => void;
}) {
  const id = useId();
  const [level, setLevel] = useState<NotificationLevel | null>(null);
  const [vapidKey, setVapidKey] = useState<string | null>(null);
  const [support, setSupport] = useState<NotificationSupport>("default");
  const [previews, setPreviews] = useState(false);
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setSupport(notificationSupport());
    setPreviews(previewsAllowed());
    let live = true;
    void ask(client, "notifications:get", {}).then((result) => {
      if (!live) return;
      if (!result.ok) {
        setNote({ text: result.text, error: true });
        return;
      }
      setLevel(result.levels[room] ?? DEFAULT_NOTIFICATION_LEVEL);
      setVapidKey(result.vapidPublicKey);
    });
    // Another device of the person set this room's level: show theirs.
    const socket = connectChatSocket();
    const onChanged: Parameters<typeof socket.on<"notifications:changed">>[1] = (changed) => {
      if (changed.room === room) setLevel(changed.level);
    };
    socket.on("notifications:changed", onChanged);
    return () => {
      live = false;
      socket.off("notifications:changed", onChanged);
      releaseChatSocket(socket);
    };
  }, [client, room]);

  async function choose(next: NotificationLevel) {
    const before = level;
    setLevel(next);
    const result = await ask(client, "notifications:set", { room, level: next });
    if (!result.ok) {
      setLevel(before);
      setNote({ text: result.text, error: true });
    } else setNote(null);
  }

  /** Push for this browser, when the server sends it and the browser can reach its push service. */
  async function subscribe(withPreviews: boolean): Promise<string | null> {
    const registration = await registerWorker();
    if (!registration || !vapidKey) return null;
    try {
      const subscription = await subscribeToPush(registration, vapidKey, withPreviews);
      if (!subscription)
        return "This browser shows notifications only while a Scrollback tab is open.";
      const saved = await ask(client, "push:subscribe", subscription);
      return saved.ok ? null : saved.text;
    } catch {
      return "This browser could not reach its push service: notifications show only while a Scrollback tab is open.";
    }
  }

  async function enable() {
    if (busy) return;
    setBusy(true);
    try {
      const permission = await Notification.requestPermission();
      setSupport(permission);
      if (permission !== "granted") {
        setNote({
          text: "Notifications are blocked for this site; allow them in the browser's site settings.",
          error: true,
        });
        return;
      }
      const problem = await subscribe(previews);
      setNote(
        problem
          ? { text: problem, error: false }
          : { text: "Desktop notifications are on.", error: false },
      );
    } finally {
      setBusy(false);
    }
  }

  async function togglePreviews(next: boolean) {
    setPreviews(next);
    setPreviewsAllowed(next);
    if (support === "granted") {
      const problem = await subscribe(next);
      if (problem) setNote({ text: problem, error: false });
    }
  }

  return (
    <RoomDialog
      title="Notifications"
      description={`What reaches you from #${room} when you are not looking.`}
      onClose={onClose}
    >
      <fieldset className="space-y-2">
        <legend className="mb-1 font-medium text-sm">Notify me about</legend>
        {LEVELS.map((option) => (
          <label key={option.level} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name={`${id}-level`}
              value={option.level}
              checked={level === option.level}
              disabled={level === null}
              onChange={() => void choose(option.level)}
              aria-describedby={`${id}-${option.level}`}
              className="mt-1 accent-indigo-700"
            />
            <span>
              <span className="font-medium">{option.label}</span>
              <span id={`${id}-${option.level}`} className="block text-zinc-600 dark:text-zinc-400">
                {option.hint}
              </span>
            </span>
          </label>
        ))}
      </fieldset>

      <section aria-labelledby={`${id}-desktop`} className="space-y-2">
        <h3 id={`${id}-desktop`} className="font-medium text-sm">
          Desktop notifications
        </h3>
        {support === "unsupported" ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            This browser cannot show notifications.
          </p>
        ) : support === "denied" ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Notifications are blocked for this site; allow them in the browser&apos;s site settings.
          </p>
        ) : (
          // Also once permission is granted: the click subscribes this browser to pushes.
          <button
            type="button"
            onClick={() => void enable()}
            aria-disabled={busy}
            className={PRIMARY_BUTTON}
          >
            Enable desktop notifications
          </button>
        )}
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={previews}
            onChange={(event) => void togglePreviews(event.target.checked)}
            className="accent-indigo-700"
          />
          Show message text in notifications
        </label>
      </section>
      <ToolNote note={note} />
    </RoomDialog>
  );
}
