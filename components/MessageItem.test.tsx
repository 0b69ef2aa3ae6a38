import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ShownMessage } from "@/lib/client/shown-message";
import { MessageItem, type MessageItemActions } from "./MessageItem";

const ann = { id: "u-ann", name: "Ann" };
const bob = { id: "u-bob", name: "Bob" };

function message(change: Partial<ShownMessage> = {}): ShownMessage {
  return {
    id: "m1",
    room: "general",
    seq: 1,
    rev: 1,
    clientId: "c1",
    author: ann,
    text: "the text",
    createdAt: "2026-01-01T10:00:00.000Z",
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
    pending: false,
    ...change,
  };
}

const actions: MessageItemActions = {
  reply() {},
  edit() {},
  remove() {},
  toggleReaction() {},
  reactionUsers: async () => ({ users: [], count: 0 }),
  jumpTo() {},
};

function render(
  shown: ShownMessage,
  options: {
    me?: string;
    withActions?: boolean;
    quote?: Parameters<typeof MessageItem>[0]["quote"];
  } = {},
): string {
  return renderToStaticMarkup(
    <MessageItem
      message={shown}
      me={options.me ?? ann.id}
      continued={false}
      now={Date.parse("2026-01-01T10:05:00.000Z")}
      quote={options.quote ?? null}
      actions={options.withActions === false ? null : actions}
      highlighted={false}
      editing={false}
    />,
  );
}

function buttons(html: string): string[] {
  return [...html.matchAll(/<button[^>]*aria-label="([^"]*)"/g)].map((m) => m[1] as string);
}

describe("MessageItem", () => {
  it.each([
    { name: "own message", me: ann.id, expected: ["Reply", "Add reaction", "Edit", "Delete"] },
    { name: "someone else's", me: bob.id, expected: ["Reply", "Add reaction"] },
  ])("offers the actions of $name", ({ me, expected }) => {
    expect(buttons(render(message(), { me }))).toEqual(expected);
  });

  it("offers a moderator Delete on someone else's message, and never Edit", () => {
    const html = renderToStaticMarkup(
      <MessageItem
        message={message()}
        me={bob.id}
        continued={false}
        now={Date.parse("2026-01-01T10:05:00.000Z")}
        quote={null}
        actions={{ ...actions, moderate: true }}
        highlighted={false}
        editing={false}
      />,
    );
    expect(buttons(html)).toEqual(["Reply", "Add reaction", "Delete"]);
  });

  it("says when a moderator removed a message, rather than its author", () => {
    const html = render(message({ deleted: true, text: "", removedByModerator: true }));
    expect(html).toContain("This message was removed by a moderator");
    expect(html).not.toContain("This message was deleted");
  });

  it("offers nothing before anything can be changed, and nothing on a deleted message", () => {
    expect(buttons(render(message(), { withActions: false }))).toEqual([]);
    expect(buttons(render(message({ deleted: true, text: "" })))).toEqual([]);
  });

  it("shows a deleted message in place, without text or reactions", () => {
    const html = render(
      message({ deleted: true, text: "", reactions: [{ emoji: "👍", count: 1, me: true }] }),
    );
    expect(html).toContain("This message was deleted");
    expect(html).toContain("Ann");
    expect(html).not.toContain("👍");
  });

  it("marks an edited message, the edit's time in its tooltip", () => {
    const html = render(message({ editedAt: "2026-01-01T10:03:00.000Z" }));
    expect(html).toMatch(/<span title="Edited [^"]+">\(edited\)<\/span>/);
    expect(render(message())).not.toContain("(edited)");
  });

  it("marks a message with changes still waiting as pending", () => {
    const html = render(message({ pending: true }));
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain(">Pending</span>");
    expect(render(message())).not.toContain("Pending");
  });

  it("shows reactions as the emoji and its count, pressed when one is the person's", () => {
    const html = render(
      message({
        reactions: [
          { emoji: "👍", count: 2, me: true },
          { emoji: "🎉", count: 1, me: false },
        ],
      }),
    );
    expect(html).toMatch(/aria-pressed="true"[^>]*>👍 2<\/button>/);
    expect(html).toMatch(/aria-pressed="false"[^>]*>🎉 1<\/button>/);
  });

  it.each([
    { quote: { kind: "message", author: bob, text: "what Bob said" }, shows: "what Bob said" },
    { quote: { kind: "deleted" }, shows: "This message was deleted" },
    { quote: { kind: "unloaded" }, shows: "Earlier message" },
  ] as const)("quotes what a reply answers: $quote.kind", ({ quote, shows }) => {
    const html = render(message({ replyTo: { id: "m0", seq: 1 } }), { quote });
    expect(html).toContain("Replying to ");
    expect(html).toContain(shows);
  });
});
