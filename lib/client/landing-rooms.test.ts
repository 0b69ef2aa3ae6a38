import { describe, expect, it } from "vitest";
import type { RoomListing } from "../shared/protocol";
import { visitedRooms } from "./landing-rooms";

const listing = (name: string, latestSeq = 5, online = 0): RoomListing => ({
  name,
  latestSeq,
  lastMessageAt: "2025-01-01T00:00:00.000Z",
  online,
  visibility: "public",
  topic: "",
});

describe("visitedRooms", () => {
  it("lists only the rooms this browser opened, however many the server lists", () => {
    const read = new Map([["mine", 3]]);
    const server = [listing("busy"), listing("mine"), listing("crowded")];
    expect(visitedRooms(read, server)).toEqual([{ name: "mine", listing: listing("mine") }]);
  });

  it("puts the recently active ones first, in the server's order, then the others by name", () => {
    const read = new Map([
      ["zebra", 0],
      ["alpha", 2],
      ["quiet", 7],
      ["beta", 1],
    ]);
    const server = [listing("beta", 9, 2), listing("unvisited"), listing("alpha", 4)];
    expect(visitedRooms(read, server).map((room) => room.name)).toEqual([
      "beta",
      "alpha",
      "quiet",
      "zebra",
    ]);
    expect(visitedRooms(read, server)[0]?.listing).toEqual(listing("beta", 9, 2));
    expect(visitedRooms(read, server)[2]?.listing).toBeUndefined();
  });

  it("is empty for a browser that has opened no room", () => {
    expect(visitedRooms(new Map(), [listing("busy")])).toEqual([]);
  });
});
