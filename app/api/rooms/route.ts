import { connection } from "next/server";
import { listRoomsShared } from "@/lib/server/rooms/room-directory";
import { getServices } from "@/lib/server/services";

/** The rooms the landing page and the room switcher list, for them to refresh. */
export async function GET(): Promise<Response> {
  await connection();
  const rooms = await listRoomsShared(getServices());
  return Response.json({ rooms }, { headers: { "cache-control": "no-store" } });
}
