import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatMessage } from "../../shared/protocol";
import { ChatTestServer, eventually, rawRequest } from "../testing/chat-test-server";
import { guest, type RoomPerson } from "../testing/room-people";

let server: ChatTestServer;
beforeEach(async () => {
  server = await ChatTestServer.start();
});
afterEach(async () => {
  await server.dispose();
});

/** Olga owns private "club"; Mo is a moderator, Ben Li a member; Out is in no room. */
async function club() {
  const olga = await guest(server, "Olga");
  const mo = await guest(server, "Mo");
  const ben = await guest(server, "Ben Li");
  const out = await guest(server, "Out");
  await olga.must("room:create", { room: "club", visibility: "private" });
  await olga.must("member:add", { room: "club", userId: mo.user.id });
  await olga.must("member:add", { room: "club", userId: ben.user.id });
  await olga.must("member:role", { room: "club", userId: mo.user.id, role: "moderator" });
  for (const person of [olga, mo, ben]) await person.must("room:join", { room: "club" });
  // Out has written somewhere, so a user row holds the name.
  await out.must("room:join", { room: "elsewhere" });
  await out.must("message:send", { room: "elsewhere", text: "hi", clientId: "out-1" });
  let n = 0;
  const say = async (person: RoomPerson, text: string, room = "club") => {
    n += 1;
    return (await person.must("message:send", { room, text, clientId: `c${n}` })).message;
  };
  return { olga, mo, ben, out, say };
}

const listed = async (person: RoomPerson, before?: string) =>
  person.must("mentions:list", before === undefined ? {} : { before });
const texts = (messages: ChatMessage[]) => messages.map((m) => m.text);

describe("mentions on messages", () => {
  it("names the room's current members the text mentions, computed by the server, on the broadcast too", async () => {
    const { olga, ben, mo, out, say } = await club();
    const sent = await say(ben, "@olga and @Out and @Mo, see `@Ben Li`");
    expect(sent.mentions).toEqual([olga.user.id, mo.user.id]);
    expect(sent).not.toHaveProperty("mentionsAll");
    await eventually(() =>
      expect(olga.heard("message:created").at(-1)).toMatchObject({
        id: sent.id,
        mentions: [olga.user.id, mo.user.id],
      }),
    );
    void out;
  });

  it("ignores mentions in the payload", async () => {
    const { olga, ben } = await club();
    const answer = (await rawRequest(ben.socket, "message:send", {
      room: "club",
      text: "no names here",
      clientId: "forged",
      mentions: [olga.user.id],
      mentionsAll: "room",
    })) as { ok: boolean; message: ChatMessage };
    expect(answer.ok).toBe(true);
    expect(answer.message).not.toHaveProperty("mentions");
    expect(answer.message).not.toHaveProperty("mentionsAll");
    expect(texts((await listed(olga)).messages)).toEqual([]);
  });

  it("takes @room and @here from moderators and owners only", async () => {
    const { ben, mo, olga, say } = await club();
    expect(await say(ben, "@room hello")).not.toHaveProperty("mentionsAll");
    expect((await say(mo, "@room hello")).mentionsAll).toBe("room");
    expect((await say(olga, "@here now")).mentionsAll).toBe("here");
  });

  it("carries mentions in history, changes and around pages", async () => {
    const { ben, olga, say } = await club();
    const sent = await say(ben, "@Olga look");
    const pages = [
      (await olga.must("history:before", { room: "club", before: sent.seq + 1, limit: 5 }))
        .messages,
      (await olga.must("history:after", { room: "club", after: 0, limit: 5 })).messages,
      (await olga.must("history:around", { room: "club", seq: sent.seq, limit: 5 })).messages,
      (await olga.must("changes:after", { room: "club", after: 0, limit: 50 })).messages,
    ];
    for (const page of pages)
      expect(page.find((m) => m.id === sent.id)?.mentions).toEqual([olga.user.id]);
  });

  it("recomputes on edit and forgets on delete, in the message and in mentions:list", async () => {
    const { ben, olga, mo, say } = await club();
    const sent = await say(ben, "@Olga look");
    const edited = await ben.must("message:edit", { room: "club", id: sent.id, text: "@Mo look" });
    expect(edited.message.mentions).toEqual([mo.user.id]);
    await eventually(() =>
      expect(olga.heard("message:updated").at(-1)).toMatchObject({ mentions: [mo.user.id] }),
    );
    expect(texts((await listed(olga)).messages)).toEqual([]);
    expect(texts((await listed(mo)).messages)).toEqual(["@Mo look"]);
    await ben.must("message:delete", { room: "club", id: sent.id });
    expect(texts((await listed(mo)).messages)).toEqual([]);
  });
});

describe("mentions:list", () => {
  it("lists the asker's mentions newest first, paged, from rooms they may read now", async () => {
    const { ben, olga, mo, say } = await club();
    await say(olga, "@Ben Li one");
    await mo.must("room:create", { room: "lobby", visibility: "public" });
    await mo.must("room:join", { room: "lobby" });
    await ben.must("room:join", { room: "lobby" });
    await new Promise((resolve) => setTimeout(resolve, 3));
    await say(mo, "@Ben Li in the lobby", "lobby");
    await new Promise((resolve) => setTimeout(resolve, 3));
    await say(olga, "@Ben Li three");

    const first = await ben.must("mentions:list", { limit: 2 });
    expect(texts(first.messages)).toEqual(["@Ben Li three", "@Ben Li in the lobby"]);
    expect(first.hasMore).toBe(true);
    const next = await listed(ben, first.messages.at(-1)?.id);
    expect(texts(next.messages)).toEqual(["@Ben Li one"]);
    expect(next.hasMore).toBe(false);

    // Removed from the private room: its mentions are no longer shown to him.
    await olga.must("member:kick", { room: "club", userId: ben.user.id });
    expect(texts((await listed(ben)).messages)).toEqual(["@Ben Li in the lobby"]);
  });
});
