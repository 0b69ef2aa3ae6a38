"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import {
  closeDesktopNotification,
  notificationSupport,
  previewsAllowed,
  registerWorker,
  showDesktopNotification,
} from "./desktop-notifications";
import { connectChatSocket, releaseChatSocket } from "./socket";

/**
 * While a page is open: tells the server whether it is visible (so that
 * pushes go only to people who are not looking anywhere), and shows the
 * server's `notification`s as desktop notifications while the tab is
 * hidden — only with permission the person granted from a button; nothing
 * here ever asks for it.
 */
export function useDesktopNotifications(): void {
  const router = useRouter();
  useEffect(() => {
    const socket = connectChatSocket();
    const tell = () =>
      socket.emit("notifications:visibility", { visible: document.visibilityState === "visible" });
    const onNotification: Parameters<typeof socket.on<"notification">>[1] = (notification) => {
      if (document.visibilityState === "visible" || notificationSupport() !== "granted") return;
      void showDesktopNotification(notification, previewsAllowed(), (url) =>
        router.push(url),
      ).catch(() => {});
    };
    const onWithdrawn: Parameters<typeof socket.on<"notification:withdrawn">>[1] = ({ tag }) => {
      void closeDesktopNotification(tag).catch(() => {});
    };
    socket.on("connect", tell);
    socket.on("notification", onNotification);
    socket.on("notification:withdrawn", onWithdrawn);
    document.addEventListener("visibilitychange", tell);
    if (socket.connected) tell();
    // Permission given before: the worker is (re-)registered so that an updated one replaces a stale one.
    if (notificationSupport() === "granted") void registerWorker().catch(() => {});
    return () => {
      socket.off("connect", tell);
      socket.off("notification", onNotification);
      socket.off("notification:withdrawn", onWithdrawn);
      document.removeEventListener("visibilitychange", tell);
      releaseChatSocket(socket);
    };
  }, [router]);
}
