import { connection } from "next/server";
import { getServices } from "@/lib/server/services";

/**
 * The rooms the landing page and the room switcher list, for them to
 * refresh: those this person may see (public ones, their private and direct
 * rooms), by the request's own cookies.
 */
export async function GET(request: Request): Promise<Response> {
  await connection();
  const rooms = await getServices().rooms.list(request.headers);
  return Response.json({ rooms }, { headers: { "cache-control": "no-store" } });
}
