"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { ROOM_NAME_RULE } from "@/lib/client/error-text";
import { toRoomName } from "@/lib/shared/room-name";

export function JoinRoomForm() {
  const router = useRouter();
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();

  function join(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const room = toRoomName(value);
    if (!room) {
      setError(ROOM_NAME_RULE);
      return;
    }
    router.push(`/chat/${room}`);
  }

  return (
    <form onSubmit={join} className="space-y-2" noValidate>
      <label htmlFor={`${hintId}-input`} className="block font-medium text-sm">
        Room name
      </label>
      <div className="flex gap-2">
        <input
          id={`${hintId}-input`}
          name="room"
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
            setError(null);
          }}
          placeholder="general"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? hintId : undefined}
          className="min-w-0 flex-1 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-base outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <button
          type="submit"
          className="rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
        >
          Join
        </button>
      </div>
      {error && (
        <p id={hintId} className="text-red-700 text-sm dark:text-red-400">
          {error}
        </p>
      )}
    </form>
  );
}
