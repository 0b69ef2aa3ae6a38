import type { MetadataRoute } from "next";

/**
 * The web app manifest (`/manifest.webmanifest`, linked from every page):
 * lets the browser install Scrollback as an app, and is what notifications
 * and other installed-app features build on. The icons are drawn from
 * app/icon.svg by scripts/icons.ts.
 */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Scrollback",
    short_name: "Scrollback",
    description: "Real-time chat in which nobody misses a message.",
    id: "/",
    start_url: "/",
    scope: "/",
    display: "standalone",
    background_color: "#ffffff",
    theme_color: "#4338ca",
    icons: [
      { src: "/icon.svg", type: "image/svg+xml", sizes: "any" },
      { src: "/icons/icon-192.png", type: "image/png", sizes: "192x192" },
      { src: "/icons/icon-512.png", type: "image/png", sizes: "512x512" },
    ],
  };
}
