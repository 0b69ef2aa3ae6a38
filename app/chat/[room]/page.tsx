import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { ChatRoom } from "@/components/ChatRoom";
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
  const { room } = await params;
  return { title: `#${decode(room).toLowerCase()}` };
}

export default async function RoomPage({ params }: Params) {
  const requested = decode((await params).room);
  if (!isRoomName(requested)) {
    // Rooms are named in lowercase; /chat/General is the room "general".
    const canonical = toRoomName(requested);
    if (canonical && canonical === requested.toLowerCase()) redirect(`/chat/${canonical}`);
    notFound();
  }
  return <ChatRoom room={requested} />;
}
