"use client";

import { useEffect, useState } from "react";
import { attempt, authClient } from "./auth-client";
import type { ConnectionStatus } from "./transport";

/**
 * Whether the session this page was signed in with has ended since (signed
 * out on another device, "Sign out everywhere", the account disabled). The
 * server then drops the page's socket and refuses it back, which looks like
 * any lost connection; so each time a signed-in page loses its connection it
 * asks better-auth whether the session is still there. No answer (the
 * network is down) is not an ending.
 */
export function useSessionEnded(signedIn: boolean, status: ConnectionStatus): boolean {
  const [ended, setEnded] = useState(false);
  const lost = status === "reconnecting";
  useEffect(() => {
    if (!signedIn || !lost || ended) return;
    let current = true;
    void attempt(() => authClient().getSession()).then((result) => {
      if (current && result.ok && !result.data) setEnded(true);
    });
    return () => {
      current = false;
    };
  }, [signedIn, lost, ended]);
  return ended;
}
