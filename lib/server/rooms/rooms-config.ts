import { z } from "zod";

/**
 * PUBLIC_ROOM_CREATION: who may bring a new public room into being (by
 * `room:create`, or by writing the first message under a new name).
 * `members` means people signed in to an account, not guests. Private rooms
 * and direct conversations are not affected.
 */
export const PUBLIC_ROOM_CREATION = ["anyone", "members", "admins"] as const;
export type PublicRoomCreation = (typeof PUBLIC_ROOM_CREATION)[number];

export type RoomsConfig = { publicRoomCreation: PublicRoomCreation };

export const DEFAULT_ROOMS_CONFIG: RoomsConfig = { publicRoomCreation: "anyone" };

export const roomsEnvSchema = z.object({
  PUBLIC_ROOM_CREATION: z
    .enum(PUBLIC_ROOM_CREATION, {
      error: "PUBLIC_ROOM_CREATION must be anyone, members or admins",
    })
    .default("anyone"),
});

export function roomsConfigFromEnv(env: z.infer<typeof roomsEnvSchema>): RoomsConfig {
  return { publicRoomCreation: env.PUBLIC_ROOM_CREATION };
}

/** Whether the setting lets this person make public rooms. */
export function createsPublicRooms(
  config: RoomsConfig,
  person: { guest: boolean; admin: boolean },
): boolean {
  switch (config.publicRoomCreation) {
    case "anyone":
      return true;
    case "members":
      return !person.guest;
    case "admins":
      return person.admin;
  }
}
