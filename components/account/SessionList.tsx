"use client";

import { useId, useState } from "react";
import { attempt, authClient } from "@/lib/client/auth-client";
import { authErrorText } from "@/lib/client/auth-text";
import { exactTime, relativeTime } from "@/lib/client/relative-time";
import { useNow } from "@/lib/client/use-now";
import { describeDevice } from "@/lib/client/user-agent";
import type { SessionSummary } from "@/lib/shared/account-sessions";
import { Button, ErrorMessage } from "./form-parts";
import { Detail, Row, Rows, Section } from "./Section";

type ShownSession = {
  id: string;
  token: string;
  device: string;
  lastSeen: Date;
};

const CLOCK_TICK_MS = 30_000;

/**
 * Where the account is signed in: one row per session (device, last seen),
 * this one marked and first. Ending this device's session signs out here;
 * any other's ends it there, and the server drops its connections.
 */
export function SessionList({
  currentSessionId,
  sessions: listed,
}: {
  currentSessionId: string;
  /** Read by the page on the server (PageAccounts.sessions). */
  sessions: readonly SessionSummary[];
}) {
  const [sessions, setSessions] = useState<ShownSession[]>(() =>
    listed
      .map((session) => ({
        id: session.id,
        token: session.token,
        device: describeDevice(session.userAgent),
        lastSeen: new Date(session.lastSeenAt),
      }))
      .sort(
        (a, b) =>
          Number(b.id === currentSessionId) - Number(a.id === currentSessionId) ||
          b.lastSeen.getTime() - a.lastSeen.getTime(),
      ),
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const now = useNow(CLOCK_TICK_MS);
  const idPrefix = useId();

  async function signOutHere() {
    await attempt(() => authClient().signOut());
    window.location.assign("/sign-in");
  }

  async function end(session: ShownSession) {
    if (busy) return;
    if (session.id === currentSessionId) {
      setBusy(session.id);
      await signOutHere();
      return;
    }
    setBusy(session.id);
    setError(null);
    const result = await attempt(() => authClient().revokeSession({ token: session.token }));
    setBusy(null);
    if (!result.ok) {
      setError(authErrorText(result.failure));
      return;
    }
    setSessions((all) => all.filter((s) => s.id !== session.id));
  }

  async function endAll() {
    if (busy) return;
    setBusy("all");
    setError(null);
    const result = await attempt(() => authClient().revokeSessions());
    if (!result.ok) {
      setBusy(null);
      setError(authErrorText(result.failure));
      return;
    }
    // This session went with the others; the sign-out clears its cookie.
    await signOutHere();
  }

  return (
    <Section
      title="Sessions"
      about="Where your account is signed in. Signing a session out disconnects that device at once."
    >
      {error && <ErrorMessage>{error}</ErrorMessage>}
      <>
        <Rows label="Sessions">
          {sessions.map((session) => {
            const here = session.id === currentSessionId;
            const describedBy = `${idPrefix}-${session.id}`;
            return (
              <Row key={session.id}>
                <div id={describedBy} className="min-w-0">
                  <p className="font-medium">
                    {session.device}
                    {here && (
                      <span className="ml-2 rounded-full bg-indigo-100 px-2 py-0.5 font-medium text-indigo-900 text-xs dark:bg-indigo-950 dark:text-indigo-100">
                        This device
                      </span>
                    )}
                  </p>
                  <Detail>
                    Last seen{" "}
                    <time
                      dateTime={session.lastSeen.toISOString()}
                      title={exactTime(session.lastSeen)}
                    >
                      {relativeTime(session.lastSeen, new Date(now))}
                    </time>
                  </Detail>
                </div>
                <Button
                  variant="secondary"
                  aria-describedby={describedBy}
                  busy={busy === session.id}
                  onClick={() => end(session)}
                >
                  Sign out
                </Button>
              </Row>
            );
          })}
        </Rows>
        <div>
          <Button variant="danger" busy={busy === "all"} onClick={endAll}>
            Sign out everywhere
          </Button>
        </div>
      </>
    </Section>
  );
}
