import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_ATTACHMENTS_PER_MESSAGE } from "../../shared/limits";
import type { Attachment, ChatMessage } from "../../shared/protocol";
import type { NewUpload } from "../store/types";
import { type ChatTestServer, eventually, settle } from "../testing/chat-test-server";
import { guest, type RoomPerson } from "../testing/room-people";
import {
  postgresDeployment,
  sqliteDeployment,
  type TestDeployment,
} from "../testing/test-deployments";

const ENGINES = [
  ["SQLite", sqliteDeployment],
  ["Postgres", postgresDeployment],
] as const;

describe.each(ENGINES)("messages with files on %s", (_engine, deploy) => {
  let deployment: TestDeployment;
  let server: ChatTestServer;
  /** What the chat told the file sweeper: once per delete that released files. */
  let sweeps = 0;
  beforeEach(async () => {
    sweeps = 0;
    deployment = await deploy({ files: { sweepSoon: () => (sweeps += 1) } });
    server = deployment.servers[0] as ChatTestServer;
  });
  afterEach(async () => {
    await deployment.dispose();
  });

  let n = 0;
  /** A finished upload of this person's, recorded in the real store (the upload route is lib/server/files/). */
  async function uploaded(person: RoomPerson, more: Partial<NewUpload> = {}): Promise<NewUpload> {
    n += 1;
    const upload: NewUpload = {
      id: randomUUID(),
      uploaderId: person.user.id,
      address: "127.0.0.1",
      name: `picture-${n}.png`,
      size: 2048 + n,
      type: "image/png",
      contentKey: randomUUID().replaceAll("-", "").padEnd(64, "0"),
      width: 320,
      height: 200,
      placeholder: "3OcRJYB4d3h/iIeHeEh3eIhw+j3A",
      variants: ["thumb", "preview"],
      createdAt: new Date(),
      ...more,
    };
    await server.store.uploads.add(upload);
    return upload;
  }
  const shown = (upload: NewUpload): Attachment => ({
    id: upload.id,
    name: upload.name,
    size: upload.size,
    type: upload.type,
    ...(upload.width === null ? {} : { width: upload.width }),
    ...(upload.height === null ? {} : { height: upload.height }),
    ...(upload.placeholder === null ? {} : { placeholder: upload.placeholder }),
  });

  /** Ana and Bea in public "general"; Cai elsewhere. */
  async function room() {
    const ana = await guest(server, "Ana");
    const bea = await guest(server, "Bea");
    const cai = await guest(server, "Cai");
    await ana.must("room:create", { room: "general", visibility: "public" });
    await ana.must("room:join", { room: "general" });
    await bea.must("room:join", { room: "general" });
    await cai.must("room:join", { room: "elsewhere" });
    return { ana, bea, cai };
  }
  const sendWith = (person: RoomPerson, attachments: string[], text?: string) => {
    n += 1;
    return person.ask("message:send", {
      room: "general",
      clientId: `c${n}`,
      attachments,
      ...(text === undefined ? {} : { text }),
    });
  };
  async function mustSend(person: RoomPerson, attachments: string[], text?: string) {
    const ack = await sendWith(person, attachments, text);
    if (!ack.ok) throw new Error(`send refused: ${JSON.stringify(ack.error)}`);
    return ack.message;
  }

  it("sends files with or without text: every member's message:created carries them in order, and so do history, around and changes:after", async () => {
    const { ana, bea, cai } = await room();
    const first = await uploaded(ana);
    const document = await uploaded(ana, {
      name: "notes.pdf",
      type: "application/pdf",
      width: null,
      height: null,
      placeholder: null,
      variants: [],
    });
    const withText = await mustSend(ana, [document.id, first.id], "the plan");
    expect(withText.attachments).toEqual([shown(document), shown(first)]);
    const alone = await mustSend(ana, [(await uploaded(ana)).id]);
    expect(alone.text).toBe("");
    expect(alone.attachments).toHaveLength(1);

    for (const person of [ana, bea])
      await eventually(() =>
        expect(person.heard("message:created")).toEqual(expect.arrayContaining([withText, alone])),
      );
    await settle(cai.socket);
    expect(cai.heard("message:created")).toEqual([]);

    const byId = (messages: ChatMessage[]) => new Map(messages.map((m) => [m.id, m]));
    const before = await bea.must("history:before", {
      room: "general",
      before: alone.seq + 1,
      limit: 10,
    });
    const after = await bea.must("history:after", { room: "general", after: 0, limit: 10 });
    const around = await bea.must("history:around", {
      room: "general",
      seq: withText.seq,
      limit: 10,
    });
    const changes = await bea.must("changes:after", { room: "general", after: 0, limit: 50 });
    for (const page of [before.messages, after.messages, around.messages, changes.messages]) {
      expect(byId(page).get(withText.id)?.attachments).toEqual(withText.attachments);
      expect(byId(page).get(alone.id)?.attachments).toEqual(alone.attachments);
    }
  });

  it("answers a resend with the stored message and its files, broadcasting nothing new", async () => {
    const { ana, bea } = await room();
    const upload = await uploaded(ana);
    const payload = { room: "general", clientId: "again", attachments: [upload.id] };
    const first = await ana.must("message:send", payload);
    const again = await ana.must("message:send", payload);
    expect(again).toEqual({ ok: true, duplicate: true, message: first.message });
    await settle(bea.socket);
    expect(bea.heard("message:created").filter((m) => m.clientId === "again")).toHaveLength(1);
  });

  it("refuses someone else's upload, an attached one, an unknown one and more than the limit, storing and broadcasting nothing", async () => {
    const { ana, bea } = await room();
    const beas = await uploaded(bea);
    const taken = await uploaded(ana);
    const takenBy = await mustSend(ana, [taken.id], "taken");
    await eventually(() => expect(bea.heard("message:created")).toContainEqual(takenBy));
    const sentBefore = bea.heard("message:created").length;
    const refusals = [
      await sendWith(ana, [beas.id], "not mine"),
      await sendWith(ana, [taken.id], "again"),
      await sendWith(ana, [randomUUID()], "unknown"),
    ];
    for (const answer of refusals)
      expect(answer).toEqual({
        ok: false,
        error: {
          code: "invalid_attachment",
          message: "That file is not one of your finished uploads, or it is already attached.",
        },
      });
    const many: string[] = [];
    for (let i = 0; i <= MAX_ATTACHMENTS_PER_MESSAGE; i++) many.push((await uploaded(ana)).id);
    const tooMany = await sendWith(ana, many, "eleven");
    expect(tooMany).toMatchObject({ ok: false, error: { code: "invalid_attachment" } });
    // Ten is fine.
    const ten = await mustSend(ana, many.slice(0, MAX_ATTACHMENTS_PER_MESSAGE));
    expect(ten.attachments).toHaveLength(MAX_ATTACHMENTS_PER_MESSAGE);

    await settle(bea.socket);
    expect(bea.heard("message:created").slice(sentBefore)).toEqual([ten]);
    expect(ten.seq).toBe((await server.store.rooms.latestSeq("general")) as number);
    expect(await server.store.uploads.find(beas.id)).toMatchObject({ messageId: null });
  });

  it("refuses a message with neither text nor files", async () => {
    const { ana } = await room();
    expect(await sendWith(ana, [])).toMatchObject({
      ok: false,
      error: { code: "empty_message" },
    });
  });

  it("drops the files on delete: message:updated without them, the uploads released, the sweeper told", async () => {
    const { ana, bea } = await room();
    const upload = await uploaded(ana);
    const message = await mustSend(ana, [upload.id], "soon gone");
    const plain = await mustSend(ana, [], "plain");
    await ana.must("message:delete", { room: "general", id: plain.id });
    // A delete that released no files does not wake the sweeper.
    expect(sweeps).toBe(0);

    const deleted = await ana.must("message:delete", { room: "general", id: message.id });
    expect(deleted.message).not.toHaveProperty("attachments");
    expect(deleted.message.deleted).toBe(true);
    await eventually(() =>
      expect(bea.heard("message:updated")).toContainEqual(
        expect.objectContaining({ id: message.id, deleted: true }),
      ),
    );
    const update = bea.heard("message:updated").find((u) => u.id === message.id);
    expect(update).not.toHaveProperty("attachments");
    expect(sweeps).toBe(1);
    expect(await server.store.uploads.find(upload.id)).toMatchObject({ released: true });
    const changes = await bea.must("changes:after", {
      room: "general",
      after: message.rev,
      limit: 50,
    });
    const replayed = changes.messages.find((m) => m.id === message.id);
    expect(replayed?.deleted).toBe(true);
    expect(replayed).not.toHaveProperty("attachments");
    // The released upload cannot be attached again.
    expect(await sendWith(ana, [upload.id], "reuse")).toMatchObject({
      ok: false,
      error: { code: "invalid_attachment" },
    });
  });

  it("keeps files through an edit and a reaction", async () => {
    const { ana, bea } = await room();
    const message = await mustSend(ana, [(await uploaded(ana)).id], "first");
    const edited = await ana.must("message:edit", { room: "general", id: message.id, text: "2" });
    const reacted = await bea.must("reaction:add", {
      room: "general",
      id: message.id,
      emoji: "👍",
    });
    expect(edited.message.attachments).toEqual(message.attachments);
    expect(reacted.message.attachments).toEqual(message.attachments);
    expect(sweeps).toBe(0);
  });

  it("releases on a moderator's delete of someone else's message", async () => {
    const { ana, bea } = await room();
    const message = await mustSend(bea, [(await uploaded(bea)).id]);
    // Ana owns the room: she may remove others' messages.
    const removed = await ana.must("message:delete", { room: "general", id: message.id });
    expect(removed.message).toMatchObject({ deleted: true, removedByModerator: true });
    expect(removed.message).not.toHaveProperty("attachments");
    expect(sweeps).toBe(1);
  });

  it("releases a deleted room's files and tells the sweeper", async () => {
    const { ana } = await room();
    const upload = await uploaded(ana);
    await mustSend(ana, [upload.id], "in a room soon gone");
    await ana.must("room:delete", { room: "general" });
    expect(await server.store.uploads.find(upload.id)).toMatchObject({ released: true });
    expect(sweeps).toBe(1);
  });

  it("keeps mentions, notifications and search working for messages with files", async () => {
    const { ana, bea } = await room();
    await bea.must("notifications:set", { room: "general", level: "all" });
    // Listening before anything is sent: `heard` starts recording when first asked.
    bea.heard("notification");
    const named = await mustSend(ana, [(await uploaded(ana)).id], "@Bea the kestrel photo");
    const alone = await mustSend(ana, [(await uploaded(ana)).id]);
    expect(named.mentions).toEqual([bea.user.id]);
    expect(alone).not.toHaveProperty("mentions");

    const mentions = await bea.must("mentions:list", {});
    expect(mentions.messages.map((m) => [m.id, m.attachments])).toEqual([
      [named.id, named.attachments],
    ]);
    // Level All: a message of files alone is news too.
    await eventually(() => {
      const heard = bea.heard("notification").map((x) => x.messageId);
      expect(heard).toEqual(expect.arrayContaining([named.id, alone.id]));
    });
    const found = await bea.must("search", { query: "kestrel" });
    expect(found.results.map((hit) => hit.message.attachments)).toEqual([named.attachments]);
  });
});
