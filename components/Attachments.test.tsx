import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ShownMessage } from "@/lib/client/shown-message";
import type { Attachment } from "@/lib/shared/protocol";
import { Attachments } from "./Attachments";
import { MessageItem } from "./MessageItem";

const picture: Attachment = {
  id: "0a-1",
  name: "cat photo.png",
  size: 2048,
  type: "image/png",
  width: 1600,
  height: 800,
};
const report: Attachment = { id: "0a-2", name: "report.pdf", size: 1536, type: "application/pdf" };
const polyglot: Attachment = { id: "0a-3", name: "page.png", size: 10, type: "text/html" };

describe("attachments under a message", () => {
  const html = renderToStaticMarkup(
    <Attachments attachments={[picture, report, polyglot]} onOpenImage={() => {}} />,
  );

  it("shows a picture as its thumbnail, in a box of its final size, named by the file", () => {
    expect(html).toContain('src="/api/files/0a-1/cat%20photo.png?size=thumb"');
    expect(html).toContain('alt="cat photo.png"');
    expect(html).toMatch(/alt="cat photo.png" width="320" height="160"/);
  });

  it("offers any other file as a download with its size and type", () => {
    expect(html).toMatch(/<a href="\/api\/files\/0a-2\/report.pdf" download="report.pdf"/);
    expect(html).toContain("1.5 KB, PDF");
  });

  it("goes by the sniffed type, not the name: an HTML file named .png is a download", () => {
    expect(html).not.toContain("page.png?size=thumb");
    expect(html).toMatch(/href="\/api\/files\/0a-3\/page.png" download="page.png"/);
  });
});

describe("a message's attachments", () => {
  const base: ShownMessage = {
    id: "m1",
    room: "general",
    seq: 1,
    rev: 1,
    clientId: "c1",
    author: { id: "u", name: "Ann" },
    text: "",
    createdAt: "2026-01-01T10:00:00.000Z",
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
    pending: false,
    attachments: [report],
  };
  const render = (message: ShownMessage) =>
    renderToStaticMarkup(
      <MessageItem
        message={message}
        me="u"
        continued={false}
        now={Date.parse("2026-01-01T10:05:00.000Z")}
        quote={null}
        actions={null}
        highlighted={false}
        editing={false}
      />,
    );

  it("are shown under its text", () => {
    expect(render(base)).toContain("report.pdf");
  });

  it("are not shown once it is deleted", () => {
    expect(render({ ...base, deleted: true })).not.toContain("report.pdf");
  });
});
