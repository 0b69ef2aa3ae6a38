import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { connection } from "next/server";
import { ChatRoom } from "@/components/ChatRoom";
import { listRoomsShared } from "@/lib/server/rooms/room-directory";
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
  return { title: room ? `#${room}` : "No such room" };
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
  const me = await services.accounts.signedIn(await headers());
  const rooms = await listRoomsShared(services);
  // A new room is a new page: nothing of the previous room's view carries over.
  // A signed-in person's read positions are the account's: the page waits for them.
  return (
    <ChatRoom
      key={requested}
      room={requested}
      rooms={rooms}
      account={me ? { name: me.name } : null}
      signedIn={me !== null}
    />
  );
}
