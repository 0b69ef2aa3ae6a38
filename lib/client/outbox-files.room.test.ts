import { randomUUID } from "node:crypto";
import { io } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatTestServer, eventually } from "../server/testing/chat-test-server";
import { LinkRelay } from "../server/testing/link-relay";
import type { Attachment } from "../shared/protocol";
import { memoryOutboxStorage, type OutboxEntry, type OutboxStorage } from "./outbox";
import { FILES_LOST_TEXT } from "./outbox-files";
import { type ChatClientSocket, RoomClient, type RoomUploads } from "./room-client";
import { type PendingFile, reduceUpload, type UploadEvent } from "./upload-state";

// The outbox with files, against a real chat server and store: a message
// whose file is still uploading waits, through a dropped link, and is sent
// once its upload finishes, once, naming the attachment. The upload itself
// (HTTP, tus) is the files route's and its tests'; here the page's upload
// state moves through the same reducer the browser uses, and the upload's
// record is written to the real store as the route writes it.

const ROOM = "general";
const WAIT_MS = 15_000;

let server: ChatTestServer;
let relay: LinkRelay;
const sockets: ChatClientSocket[] = [];
const clients: RoomClient[] = [];

beforeEach(async () => {
  server = await ChatTestServer.start();
  relay = await LinkRelay.start(server.port);
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.stop();
  for (const socket of sockets.splice(0)) socket.disconnect();
  await relay.close();
  await server.dispose();
});

/** This page's uploads, moved on by the test with the browser's reducer. */
function pageUploads(
  page: string,
  open: ReadonlySet<string> = new Set(),
  /** Files whose bytes this page finds kept from a closed page (file-vault.ts). */
  kept: ReadonlySet<string> = new Set(),
) {
  let files: PendingFile[] = [];
  const listeners = new Set<() => void>();
  const uploads: RoomUploads & { emit(event: UploadEvent): void } = {
    page,
    isPageOpen: async (other) => open.has(other),
    get: (localId) => files.find((f) => f.localId === localId),
    getSnapshot: () => files,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    retry: (localId) => uploads.emit({ type: "retried", localId }),
    remove: (localId) => uploads.emit({ type: "removed", localId }),
    async adopt(localIds) {
      if (!localIds.every((id) => kept.has(id))) return false;
      for (const localId of localIds)
        uploads.emit({ type: "added", localId, name: `${localId}.txt`, size: 5, fileType: "" });
      return true;
    },
    emit(event) {
      files = reduceUpload(files, event);
      for (const listener of listeners) listener();
    },
  };
  return uploads;
}

function openTab(
  uploads: RoomUploads,
  storage: OutboxStorage = memoryOutboxStorage(),
  as?: string,
) {
  let token: string | undefined = as;
  const socket: ChatClientSocket = io(relay.url, {
    transports: ["websocket"],
    forceNew: true,
    autoConnect: false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 250,
    auth: (send) => send(token ? { token } : { name: "Tab" }),
  });
  socket.on("session", (session) => {
    token = session.token;
  });
  const client = new RoomClient(socket, ROOM, storage, {
    requestTimeoutMs: 2_000,
    retryDelayMs: 100,
    uploads,
  });
  client.start();
  socket.connect();
  sockets.push(socket);
  clients.push(client);
  return { client, storage, token: () => token };
}

/** The upload's record, as the upload route writes it once the bytes are stored. */
async function storedUpload(uploaderId: string, name: string): Promise<Attachment> {
  const id = randomUUID();
  await server.store.uploads.add({
    id,
    uploaderId,
    address: "127.0.0.1",
    name,
    size: 5,
    type: "text/plain",
    contentKey: "a".repeat(64),
    width: null,
    height: null,
    placeholder: null,
    variants: [],
    createdAt: new Date(),
  });
  return { id, name, size: 5, type: "text/plain" };
}

describe("a message with files in the outbox", () => {
  it("waits for its upload, through a dropped link, then is sent once with the attachment", async () => {
    const uploads = pageUploads("page-1");
    const tab = openTab(uploads);
    await eventually(() => expect(tab.client.getSnapshot().joined).toBe(true), WAIT_MS);
    const me = tab.client.getSnapshot().user?.id as string;

    uploads.emit({ type: "added", localId: "f1", name: "notes.txt", size: 5, fileType: "" });
    uploads.emit({ type: "progress", localId: "f1", sent: 2 });
    tab.client.say("", { files: uploads.getSnapshot() });
    tab.client.say("after the file");

    // Held back, and the message after it too: messages go in the order written.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tab.client.getSnapshot().timeline.messages).toHaveLength(0);
    expect(tab.client.getSnapshot().outbox).toHaveLength(2);

    relay.cut();
    const attachment = await storedUpload(me, "notes.txt");
    uploads.emit({ type: "finished", localId: "f1", attachment });
    relay.restore();

    await eventually(() => {
      const messages = tab.client.getSnapshot().timeline.messages;
      expect(messages.map((m) => m.text)).toEqual(["", "after the file"]);
      expect(messages[0]?.attachments).toEqual([expect.objectContaining({ id: attachment.id })]);
      expect(tab.client.getSnapshot().outbox).toHaveLength(0);
    }, WAIT_MS);
    // Delivered: the page no longer holds the file.
    expect(uploads.get("f1")).toBeUndefined();
    const history = await server.store.messages.latest(ROOM, 10);
    expect(history.messages.filter((m) => m.attachments?.length)).toHaveLength(1);
  });

  it("shows it failed when the upload failed, and Retry uploads and sends it", async () => {
    const uploads = pageUploads("page-1");
    const tab = openTab(uploads);
    await eventually(() => expect(tab.client.getSnapshot().joined).toBe(true), WAIT_MS);
    const me = tab.client.getSnapshot().user?.id as string;
    uploads.emit({ type: "added", localId: "f1", name: "a.txt", size: 5, fileType: "" });
    tab.client.say("with a file", { files: uploads.getSnapshot() });
    uploads.emit({ type: "failed", localId: "f1", reason: "The link to the server dropped." });

    let failed: OutboxEntry | undefined;
    await eventually(() => {
      failed = tab.client.getSnapshot().outbox[0];
      expect(failed?.state).toBe("failed");
    }, WAIT_MS);
    expect(failed?.error?.message).toBe("a.txt was not uploaded: The link to the server dropped.");

    tab.client.retry(failed?.clientId as string);
    expect(uploads.get("f1")?.status).toBe("queued");
    uploads.emit({ type: "finished", localId: "f1", attachment: await storedUpload(me, "a.txt") });
    await eventually(
      () =>
        expect(tab.client.getSnapshot().timeline.messages.map((m) => m.text)).toEqual([
          "with a file",
        ]),
      WAIT_MS,
    );
  });

  it("after a reload, a message whose files had not been uploaded is shown failed, for Edit or Discard", async () => {
    const storage = memoryOutboxStorage();
    const before = pageUploads("page-1");
    const first = openTab(before, storage);
    await eventually(() => expect(first.client.getSnapshot().joined).toBe(true), WAIT_MS);
    before.emit({ type: "added", localId: "f1", name: "a.txt", size: 5, fileType: "" });
    first.client.say("lost file", { files: before.getSnapshot() });
    first.client.stop();

    // The reloaded page, the same person: another page id, the old page closed, its uploads gone with it.
    const after = openTab(pageUploads("page-2"), storage, first.token());
    await eventually(() => {
      const [entry] = after.client.getSnapshot().outbox;
      expect(entry?.state).toBe("failed");
      expect(entry?.error?.message).toBe(FILES_LOST_TEXT);
      expect(entry?.filesLost).toBe(true);
    }, WAIT_MS);
  });

  it("after a reload, files whose bytes were kept are taken over, uploaded and the message sent", async () => {
    const storage = memoryOutboxStorage();
    const before = pageUploads("page-1");
    const first = openTab(before, storage);
    await eventually(() => expect(first.client.getSnapshot().joined).toBe(true), WAIT_MS);
    const me = first.client.getSnapshot().user?.id as string;
    before.emit({ type: "added", localId: "f1", name: "f1.txt", size: 5, fileType: "" });
    first.client.say("kept file", { files: before.getSnapshot() });
    first.client.stop();

    const after = pageUploads("page-2", new Set(), new Set(["f1"]));
    const second = openTab(after, storage, first.token());
    await eventually(() => {
      expect(after.get("f1")?.status).toBe("queued");
      expect(storage.load(ROOM)[0]).toMatchObject({ state: "pending", page: "page-2" });
    }, WAIT_MS);
    after.emit({ type: "finished", localId: "f1", attachment: await storedUpload(me, "f1.txt") });
    await eventually(() => {
      const [message] = second.client.getSnapshot().timeline.messages;
      expect(message?.text).toBe("kept file");
      expect(message?.attachments).toHaveLength(1);
    }, WAIT_MS);
  });

  it("another open tab waits for the page that holds the files instead of failing them", async () => {
    const storage = memoryOutboxStorage();
    const owner = pageUploads("page-1");
    const other = openTab(pageUploads("page-2", new Set(["page-1"])), storage);
    await eventually(() => expect(other.client.getSnapshot().joined).toBe(true), WAIT_MS);
    owner.emit({ type: "added", localId: "f1", name: "a.txt", size: 5, fileType: "" });
    const ownerTab = openTab(owner, storage);
    await eventually(() => expect(ownerTab.client.getSnapshot().joined).toBe(true), WAIT_MS);
    ownerTab.client.say("shared", { files: owner.getSnapshot() });
    other.client.retry("nothing");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(storage.load(ROOM)[0]?.state).toBe("pending");
  });
});
