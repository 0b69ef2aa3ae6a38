"use client";

import type { ButtonHTMLAttributes, InputHTMLAttributes, ReactNode, Ref } from "react";
import { useId } from "react";
import { useHydrated } from "@/lib/client/use-hydrated";

/** One labelled field; its hint and the form's error are read with it. */
export function TextField({
  label,
  hint,
  errorId,
  inputRef,
  ...input
}: {
  label: string;
  hint?: ReactNode;
  /** The form's error message, while there is one: the field is described by it too. */
  errorId?: string | undefined;
  inputRef?: Ref<HTMLInputElement>;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "id">) {
  const id = useId();
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, errorId ?? null].filter(Boolean).join(" ");
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block font-medium text-sm">
        {label}
      </label>
      <input
        id={id}
        ref={inputRef}
        aria-describedby={describedBy || undefined}
        aria-invalid={errorId ? true : undefined}
        className="w-full min-w-0 rounded-lg border border-zinc-400 bg-white px-3 py-2 text-base outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-600 dark:bg-zinc-900"
        {...input}
      />
      {hint && (
        <p id={hintId} className="text-sm text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      )}
    </div>
  );
}

const BUTTON = {
  primary:
    "bg-indigo-700 text-white hover:bg-indigo-800 focus-visible:outline-indigo-500 dark:bg-indigo-600 dark:hover:bg-indigo-500",
  secondary:
    "border border-zinc-400 text-zinc-900 hover:bg-zinc-100 focus-visible:outline-indigo-500 dark:border-zinc-600 dark:text-zinc-100 dark:hover:bg-zinc-800",
  danger:
    "border border-red-700 text-red-800 hover:bg-red-50 focus-visible:outline-red-600 dark:border-red-400 dark:text-red-300 dark:hover:bg-red-950",
} as const;

/**
 * A button that stays focusable while its request is under way (`aria-disabled`,
 * not `disabled`), so focus does not fall to the page's start; the caller ignores
 * presses meanwhile.
 */
export function Button({
  variant = "primary",
  busy = false,
  className = "",
  children,
  ...button
}: {
  variant?: keyof typeof BUTTON;
  busy?: boolean;
} & ButtonHTMLAttributes<HTMLButtonElement>) {
  // Every account button's work is in its handler (see useHydrated).
  const hydrated = useHydrated();
  return (
    <button
      type="button"
      aria-disabled={busy || undefined}
      className={`rounded-lg px-4 py-2 font-medium text-sm focus-visible:outline-2 focus-visible:outline-offset-2 aria-disabled:opacity-70 ${BUTTON[variant]} ${className}`}
      {...button}
      disabled={!hydrated || button.disabled}
    >
      {children}
    </button>
  );
}

/** A failure, announced as it appears. */
export function ErrorMessage({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p
      id={id}
      role="alert"
      className="rounded-md bg-red-50 px-3 py-2 text-red-800 text-sm dark:bg-red-950/60 dark:text-red-200"
    >
      {children}
    </p>
  );
}

/** News that is not a failure ("a link is on its way"), read out politely. */
export function StatusMessage({ children }: { children: ReactNode }) {
  return (
    <p
      role="status"
      className="rounded-md bg-emerald-50 px-3 py-2 text-emerald-900 text-sm dark:bg-emerald-950/60 dark:text-emerald-100"
    >
      {children}
    </p>
  );
}

export const LINK_CLASS =
  "rounded-sm text-indigo-700 underline underline-offset-2 hover:text-indigo-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:text-indigo-200";
