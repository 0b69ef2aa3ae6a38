import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-full max-w-md flex-col items-center justify-center gap-4 px-4 text-center">
      <h1 className="font-semibold text-2xl">No such room</h1>
      <p className="text-zinc-600 dark:text-zinc-400">
        Room names use lowercase letters, digits, “-” and “_”, and start with a letter or digit.
      </p>
      <Link className="text-indigo-700 underline dark:text-indigo-300" href="/">
        Back to the rooms
      </Link>
    </main>
  );
}
