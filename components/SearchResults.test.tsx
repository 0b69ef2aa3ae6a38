import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ChatMessage, SearchHit } from "@/lib/shared/protocol";
import { SearchResults, type SearchState } from "./SearchResults";

function hit(
  text: string,
  highlights: SearchHit["highlights"],
  change: Partial<ChatMessage> = {},
): SearchHit {
  return {
    message: {
      id: "m-7",
      room: "ops",
      seq: 7,
      rev: 7,
      clientId: "c7",
      author: { id: "u-ana", name: "Ana" },
      text,
      createdAt: "2026-01-01T10:00:00.000Z",
      editedAt: null,
      deleted: false,
      replyTo: null,
      reactions: [],
      ...change,
    },
    highlights,
  };
}

function render(state: Partial<SearchState>, room?: string): string {
  const full: SearchState = {
    query: "deploy",
    roomOnly: false,
    hits: [],
    hasMore: false,
    loading: false,
    error: null,
    ...state,
  };
  const none = () => {};
  return renderToStaticMarkup(
    <SearchResults
      state={full}
      room={room}
      onRoomOnly={none}
      onLoadMore={none}
      onChoose={none}
      onClose={none}
    />,
  );
}

describe("SearchResults", () => {
  it("shows a result's room, author, time and the matches marked, linking to the message", () => {
    const html = render({ hits: [hit("we deploy <b>today</b>", [{ start: 3, end: 9 }])] });
    expect(html).toContain('href="/chat/ops?at=7"');
    expect(html).toContain(">#ops<");
    expect(html).toContain("Ana");
    expect(html).toContain('dateTime="2026-01-01T10:00:00.000Z"');
    expect(html).toMatch(/we <mark[^>]*>deploy<\/mark> &lt;b&gt;today&lt;\/b&gt;/);
    expect(html).toContain("1 message matches.");
  });

  it("says when nothing matches, and offers no Load more", () => {
    const html = render({ hits: [] });
    expect(html).toContain("No messages match.");
    expect(html).not.toContain("Load more");
  });

  it("says it is searching before the first page", () => {
    expect(render({ loading: true })).toContain("Searching…");
  });

  it("says a failure in words, and not that nothing matched", () => {
    const html = render({ error: "You are sending too fast. Wait a moment and try again." });
    expect(html).toContain('role="alert"');
    expect(html).toContain("You are sending too fast.");
    expect(html).not.toContain("No messages match.");
  });

  it("offers Load more while there is more, and counts with a plus", () => {
    const html = render({ hits: [hit("deploy", [{ start: 0, end: 6 }])], hasMore: true });
    expect(html).toContain("Load more");
    expect(html).toContain("1+ messages match.");
  });

  it("offers This room only on a room's page only, and says where it searched", () => {
    expect(render({}, "ops")).toContain("This room only");
    expect(render({})).not.toContain("This room only");
    expect(render({ roomOnly: true }, "ops")).toContain(" in #ops");
    expect(render({})).toContain("in every room you can read");
  });

  it("gives the query language", () => {
    const html = render({});
    for (const operator of [
      "from:",
      "in:",
      "before:",
      "after:",
      "on:",
      "has:link",
      "is:reply",
      "-word",
      "exact phrase",
    ])
      expect(html).toContain(operator);
  });
});
