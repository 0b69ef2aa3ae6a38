import { describe, expect, it } from "vitest";
import { type Drafts, memoryDrafts, webDrafts } from "./drafts";
import { MemoryStorage } from "./testing/memory-storage";

describe.each<[string, () => Drafts]>([
  ["webDrafts", () => webDrafts(new MemoryStorage())],
  ["memoryDrafts", memoryDrafts],
])("%s", (_name, make) => {
  it("keeps one draft per room, and forgets an emptied one", () => {
    const drafts = make();
    drafts.set("general", "half a thought");
    drafts.set("random", "another");
    expect(drafts.get("general")).toBe("half a thought");
    expect(drafts.get("random")).toBe("another");
    drafts.set("general", "");
    expect(drafts.get("general")).toBe("");
    expect(drafts.get("never-opened")).toBe("");
  });
});

describe("webDrafts on localStorage", () => {
  it("survives the page: a new store over the same storage has the drafts", () => {
    const local = new MemoryStorage();
    webDrafts(local).set("general", "typed before the reload\nsecond line");
    expect(webDrafts(local).get("general")).toBe("typed before the reload\nsecond line");
    webDrafts(local).set("general", "");
    expect(local.length).toBe(0);
  });

  it("keeps a draft the storage refuses for this page", () => {
    const local = new MemoryStorage();
    const drafts = webDrafts(local);
    local.full = true;
    drafts.set("general", "kept in memory");
    expect(drafts.get("general")).toBe("kept in memory");
    expect(local.length).toBe(0);
  });
});
