import { headers } from "next/headers";
import { connection } from "next/server";
import { AccountNav } from "@/components/account/AccountNav";
import { CreateRoomForm } from "@/components/CreateRoomForm";
import { JoinRoomForm } from "@/components/JoinRoomForm";
import { LandingRooms } from "@/components/RoomList";
import { SearchBox } from "@/components/SearchBox";
import { getServices } from "@/lib/server/services";

export default async function LandingPage() {
  // Rendered per request: the list reflects the rooms as they are now.
  await connection();
  const services = getServices();
  const requestHeaders = await headers();
  const me = await services.accounts.signedIn(requestHeaders);
  // Public rooms, and the private and direct rooms this person is a member of.
  const rooms = await services.rooms.list(requestHeaders);
  // A signed-in person's rooms and read positions are the account's, from the server.
  const signedIn = me !== null;
  return (
    <main className="mx-auto flex min-h-full max-w-2xl flex-col gap-8 px-4 py-10 sm:py-16">
      <header className="space-y-2">
        <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
          <h1 className="font-bold text-3xl tracking-tight">Scrollback</h1>
          {/* On a phone the field takes a line of its own, below the name and the account links. */}
          <div className="flex items-center gap-3 max-sm:contents">
            <div className="max-sm:order-last max-sm:w-full">
              <SearchBox collapse={false} />
            </div>
            <AccountNav account={me ? { name: me.name } : null} here="/" showName />
          </div>
        </div>
        <p className="text-zinc-600 dark:text-zinc-400">
          Real-time chat in which nobody misses a message: open a room and read what was said while
          you were away.
        </p>
      </header>
      <JoinRoomForm />
      <CreateRoomForm />
      <LandingRooms rooms={rooms} signedIn={signedIn} />
    </main>
  );
}
