"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { requestOnce } from "@/lib/client/socket-request";
import { useHydrated } from "@/lib/client/use-hydrated";

/** Uses the invite (`invite:accept`) and opens the room it admits to. */
export function JoinInviteButton({ token }: { token: string }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function join() {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await requestOnce("invite:accept", { token });
    if (result.ok) {
      router.push(`/chat/${result.room.name}`);
      return;
    }
    setBusy(false);
    setError(result.text);
  }

  return (
    <div className="flex flex-col items-center gap-2">
      <button
        type="button"
        onClick={join}
        disabled={!hydrated}
        aria-disabled={busy || undefined}
        className="rounded-lg bg-indigo-700 px-5 py-2 font-medium text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 aria-disabled:opacity-70 dark:bg-indigo-600 dark:hover:bg-indigo-500"
      >
        Join room
      </button>
      {error && (
        <p role="alert" className="text-red-700 text-sm dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
