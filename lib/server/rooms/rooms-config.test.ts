import { describe, expect, it } from "vitest";
import { createsPublicRooms, type PublicRoomCreation } from "./rooms-config";

describe("PUBLIC_ROOM_CREATION", () => {
  const guest = { guest: true, admin: false };
  const account = { guest: false, admin: false };
  const admin = { guest: false, admin: true };
  it.each([
    ["anyone", [true, true, true]],
    ["members", [false, true, true]],
    ["admins", [false, false, true]],
  ] as [PublicRoomCreation, boolean[]][])(
    "%s: a guest, an account, an admin may make public rooms → %j",
    (publicRoomCreation, expected) => {
      expect(
        [guest, account, admin].map((person) => createsPublicRooms({ publicRoomCreation }, person)),
      ).toEqual(expected);
    },
  );
});
