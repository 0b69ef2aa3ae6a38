import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Attachment } from "../../shared/protocol/attachments";
import { PostgresStore } from "../store/postgres-store";
import { ChatTestServer } from "../testing/chat-test-server";
import { createTestSchema } from "../testing/postgres";
import { guestWithCookie, member, type RoomPerson } from "../testing/room-people";
import { S3TestServer } from "../testing/s3-server";
import {
  attachmentOfAnswer,
  fetchFile,
  filesUnder,
  solidPng,
  testFiles,
  uploadWhole,
} from "./file-test-kit";
import { S3Storage } from "./s3-storage";

let server: ChatTestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

const picture = () => solidPng(30, 20, "#939");

async function send(person: RoomPerson, room: string, attachments: Attachment[], text = "") {
  const answer = await person.must("message:send", {
    room,
    clientId: `c-${Math.random().toString(36).slice(2)}`,
    text,
    attachments: attachments.map((a) => a.id),
  });
  return answer.message;
}

describe("attached files", () => {
  it("a message carries its files; its room's readers may read them, a non-member of a private room gets 403", async () => {
    const s = await ChatTestServer.start({ files: testFiles() });
    server = s;
    const ana = await guestWithCookie(s, "ana");
    const bea = await guestWithCookie(s, "bea");
    await ana.must("room:create", { room: "den", visibility: "private" });
    await ana.must("room:join", { room: "den" });
    const attachment = attachmentOfAnswer(
      await uploadWhole(s, ana.cookie, "plan.png", await picture()),
    );
    const message = await send(ana, "den", [attachment]);
    expect(message.attachments).toEqual([attachment]);
    expect(message.text).toBe("");

    const own = await fetchFile(s, attachment, ana.cookie);
    expect(own.status).toBe(200);
    await own.arrayBuffer();
    const stranger = await fetchFile(s, attachment, bea.cookie);
    expect(stranger.status).toBe(403);
    expect(await stranger.json()).toMatchObject({ code: "forbidden" });
    expect((await fetchFile(s, attachment, bea.cookie, { variant: "thumb" })).status).toBe(403);

    // In a public room, any reader may.
    const open = attachmentOfAnswer(await uploadWhole(s, ana.cookie, "open.png", await picture()));
    await ana.must("room:join", { room: "lobby" });
    await send(ana, "lobby", [open], "look");
    const reader = await fetchFile(s, open, bea.cookie);
    expect(reader.status).toBe(200);
    await reader.arrayBuffer();
  });

  it("deleting the message removes the file from disk once nothing refers to it", async () => {
    const s = await ChatTestServer.start({ files: testFiles() });
    server = s;
    const ana = await guestWithCookie(s, "ana");
    await ana.must("room:join", { room: "lobby" });
    const attachment = attachmentOfAnswer(
      await uploadWhole(s, ana.cookie, "gone.png", await picture()),
    );
    const message = await send(ana, "lobby", [attachment]);
    // The content and both variants.
    expect(await filesUnder(join(s.dir, "files"))).toHaveLength(3);
    await ana.must("message:delete", { room: "lobby", id: message.id });
    expect((await fetchFile(s, attachment, ana.cookie)).status).toBe(404);
    // The delete asks the sweeper for a pass soon, without waiting for the periodic one.
    await expect
      .poll(() => filesUnder(join(s.dir, "files")), { timeout: 10_000, interval: 200 })
      .toEqual([]);
    expect(await s.store.uploads.find(attachment.id)).toBeNull();
  });

  it("removes unattached uploads after the TTL, but not attached ones", async () => {
    const s = await ChatTestServer.start({ files: testFiles({ ttlMs: 0 }) });
    server = s;
    const ana = await guestWithCookie(s, "ana");
    await ana.must("room:join", { room: "lobby" });
    const kept = attachmentOfAnswer(
      await uploadWhole(s, ana.cookie, "kept.txt", Buffer.from("kept")),
    );
    await send(ana, "lobby", [kept]);
    const dropped = attachmentOfAnswer(
      await uploadWhole(s, ana.cookie, "dropped.txt", Buffer.from("dropped")),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    await s.app.files?.sweeper.sweep();
    expect(await s.store.uploads.find(dropped.id)).toBeNull();
    expect(await s.store.uploads.find(kept.id)).not.toBeNull();
    expect(await filesUnder(join(s.dir, "files"))).toHaveLength(1);
    const answer = await ana.ask("message:send", {
      room: "lobby",
      clientId: "late",
      text: "too late",
      attachments: [dropped.id],
    });
    expect(answer).toMatchObject({ ok: false, error: { code: "invalid_attachment" } });
  });

  it("a bot uploads with its bearer token; a bearer that is no bot token is nobody", async () => {
    const s = await ChatTestServer.start({ files: testFiles() });
    server = s;
    const owner = await member(s, "owner");
    const made = await fetch(`${s.url}/api/bot-tokens`, {
      method: "POST",
      headers: { cookie: owner.cookie ?? "", "content-type": "application/json" },
      body: JSON.stringify({ name: "robot" }),
    });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };
    const byBot = await uploadWhole(s, undefined, "bot.txt", Buffer.from("beep"), {
      authorization: `Bearer ${token}`,
    });
    const attachment = attachmentOfAnswer(byBot);
    const read = await fetch(`${s.url}/api/files/${attachment.id}/bot.txt`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await read.text()).toBe("beep");
    const forged = await uploadWhole(s, undefined, "x.txt", Buffer.from("x"), {
      authorization: "Bearer sbb_not-a-real-token",
    });
    expect(forged.status).toBe(401);
  });
});

describe("with guests off", () => {
  it("answers nobody 401 (not a sign-in redirect), and a signed-in person uploads", async () => {
    const s = await ChatTestServer.start({ files: testFiles(), accounts: { guestAccess: false } });
    server = s;
    const stranger = await uploadWhole(s, undefined, "x.txt", Buffer.from("x"));
    expect(stranger.status).toBe(401);
    const olga = await member(s, "olga");
    const attachment = attachmentOfAnswer(
      await uploadWhole(s, olga.cookie, "x.txt", Buffer.from("x")),
    );
    const read = await fetchFile(s, attachment, olga.cookie);
    expect(await read.text()).toBe("x");
    expect((await fetchFile(s, attachment, undefined)).status).toBe(401);
  });
});

describe("S3 storage end to end (s3rver)", () => {
  let s3: S3TestServer;
  beforeAll(async () => {
    s3 = await S3TestServer.start();
  });
  afterAll(() => s3.stop());

  it("uploads into the bucket, serves from it with ranges, and a delete removes the objects", async () => {
    const s = await ChatTestServer.start({ files: testFiles({ storage: s3.settings }) });
    server = s;
    const ana = await guestWithCookie(s, "ana");
    await ana.must("room:join", { room: "lobby" });
    const attachment = attachmentOfAnswer(
      await uploadWhole(s, ana.cookie, "s3.png", await picture()),
    );
    const message = await send(ana, "lobby", [attachment]);
    const bucket = new S3Storage(s3.settings);
    expect(await bucket.list("", 10)).toHaveLength(3);
    const whole = await fetchFile(s, attachment, ana.cookie);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBe(attachment.size);
    const part = await fetchFile(s, attachment, ana.cookie, { headers: { range: "bytes=1-3" } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(1, 4));
    expect(whole.headers.get("location")).toBeNull();
    await ana.must("message:delete", { room: "lobby", id: message.id });
    await s.app.files?.sweeper.sweep();
    expect(await bucket.list("", 10)).toEqual([]);
    await bucket.close();
    // Nothing of it was kept on the server's disk either.
    expect(await filesUnder(join(s.dir, "uploads-partial"))).toEqual([]);
  });
});

describe("on Postgres", () => {
  let dropSchema: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await server?.dispose();
    server = null;
    await dropSchema?.();
    dropSchema = null;
  });

  it("attaches, forbids a stranger of a private room, and a delete removes the bytes", async () => {
    const schema = await createTestSchema();
    dropSchema = schema.drop;
    const s = await ChatTestServer.start({
      files: testFiles(),
      openStore: () => PostgresStore.open(schema.url, { poolSize: 4 }),
    });
    server = s;
    const ana = await guestWithCookie(s, "ana");
    const bea = await guestWithCookie(s, "bea");
    await ana.must("room:create", { room: "vault", visibility: "private" });
    await ana.must("room:join", { room: "vault" });
    const attachment = attachmentOfAnswer(
      await uploadWhole(s, ana.cookie, "pg.png", await picture()),
    );
    const message = await send(ana, "vault", [attachment]);
    expect((await fetchFile(s, attachment, bea.cookie)).status).toBe(403);
    const own = await fetchFile(s, attachment, ana.cookie);
    expect(own.status).toBe(200);
    await own.arrayBuffer();
    await ana.must("message:delete", { room: "vault", id: message.id });
    await s.app.files?.sweeper.sweep();
    expect(await filesUnder(join(s.dir, "files"))).toEqual([]);
  });
});
