import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { connection } from "next/server";
import { ChatRoom } from "@/components/ChatRoom";
import { RoomRefused } from "@/components/RoomRefused";
import { SiteHeader } from "@/components/SiteHeader";
import { getServices } from "@/lib/server/services";
import { isRoomName, toRoomName } from "@/lib/shared/room-name";

type Params = { params: Promise<{ room: string }> };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const room = toRoomName(decode((await params).room));
  if (!room) return { title: "No such room" };
  // A direct room is titled by the other person, as its header is; its name says nothing.
  const access = await getServices().rooms.access(await headers(), room);
  const directWith = access.allowed ? access.info?.directWith : undefined;
  return { title: directWith ? directWith.name : `#${room}` };
}

export default async function RoomPage({ params }: Params) {
  const requested = decode((await params).room);
  if (!isRoomName(requested)) {
    // Rooms are named in lowercase; /chat/General is the room "general".
    const canonical = toRoomName(requested);
    if (canonical && canonical === requested.toLowerCase()) redirect(`/chat/${canonical}`);
    notFound();
  }
  await connection();
  const services = getServices();
  const requestHeaders = await headers();
  const me = await services.accounts.signedIn(requestHeaders);
  const access = await services.rooms.access(requestHeaders, requested);
  const here = `/chat/${requested}`;
  if (!access.allowed) {
    // Nothing of the room: not its history, not who is in it, not even its topic.
    return (
      <div className="flex min-h-dvh flex-col">
        <SiteHeader accountNav={{ account: me ? { name: me.name } : null, here }} />
        <main className="flex flex-1 flex-col">
          <RoomRefused
            title="You are not a member of this room"
            detail={
              me
                ? "Ask one of its members for an invite link."
                : "Ask one of its members for an invite link, or sign in if your account is a member."
            }
            signInHref={me ? undefined : `/sign-in?next=${encodeURIComponent(here)}`}
          />
        </main>
      </div>
    );
  }
  const rooms = await services.rooms.list(requestHeaders, { shared: true });
  // A new room is a new page: nothing of the previous room's view carries over.
  // A signed-in person's read positions are the account's: the page waits for them.
  return (
    <ChatRoom
      key={requested}
      room={requested}
      rooms={rooms}
      account={me ? { name: me.name } : null}
      signedIn={me !== null}
      info={access.info}
    />
  );
}
