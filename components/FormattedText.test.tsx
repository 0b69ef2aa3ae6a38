import fc from "fast-check";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import FormattedText from "./FormattedText";

const ORIGIN = "https://chat.example";

function render(text: string): string {
  return renderToStaticMarkup(<FormattedText text={text} origin={ORIGIN} />);
}

/** The tags, attribute names and link targets in rendered markup. */
function tags(html: string): string[] {
  return [...html.matchAll(/<([a-z0-9]+)/gi)].map((m) => (m[1] as string).toLowerCase());
}
function attributeNames(html: string): string[] {
  // React quotes every attribute value and escapes quotes inside it: drop the values, then read the names.
  const bare = html.replace(/="[^"]*"/g, "");
  return [...bare.matchAll(/<[a-z0-9]+([^>]*)>/gi)].flatMap((m) =>
    (m[1] ?? "")
      .split(/[\s/]+/)
      .filter(Boolean)
      .map((name) => name.toLowerCase()),
  );
}
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] as string);
}

const ALLOWED_TAGS = new Set([
  "div",
  "p",
  "br",
  "strong",
  "em",
  "del",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "a",
  "button",
  "span",
]);
const ALLOWED_ATTRIBUTES = new Set([
  "class",
  "href",
  "dir",
  "target",
  "rel",
  "type",
  "start",
  "aria-live",
]);

function expectInert(html: string) {
  for (const tag of tags(html)) expect(ALLOWED_TAGS, `tag <${tag}> in ${html}`).toContain(tag);
  for (const name of attributeNames(html))
    expect(ALLOWED_ATTRIBUTES, `attribute ${name} in ${html}`).toContain(name);
  for (const href of hrefs(html)) expect(href).toMatch(/^https?:\/\//);
  expect(html).not.toMatch(/<script|<img|<iframe|<svg|<style|<input/i);
  // Typed as text, a scheme is shown; in markup it must not appear at all.
  const markup = [...html.matchAll(/<[^>]*>/g)].join("");
  expect(markup).not.toMatch(/="\s*(?:javascript|vbscript|data):|\son[a-z]+=/i);
}

/** Hostile messages: each must render inert, and its visible text must still be there to read. */
const CORPUS: { name: string; text: string; shows: string }[] = [
  {
    name: "a script element",
    text: "<script>alert(1)</script>",
    shows: "<script>alert(1)</script>",
  },
  {
    name: "a script element in a sentence",
    text: "hi <script>alert(1)</script> there",
    shows: "hi <script>alert(1)</script> there",
  },
  { name: "an image with onerror", text: '<img src=x onerror="alert(1)">', shows: "<img src=x" },
  {
    name: "an event handler on a raw element",
    text: '<a href="https://ok.example" onclick="alert(1)">x</a>',
    shows: "onclick",
  },
  { name: "a raw HTML block", text: "<div>\n<b>bold</b>\n</div>", shows: "<b>bold</b>" },
  { name: "an iframe", text: '<iframe src="https://evil.example"></iframe>', shows: "<iframe" },
  { name: "an svg with onload", text: "<svg onload=alert(1)>", shows: "<svg onload=alert(1)>" },
  {
    name: "a javascript: link",
    text: "[click](javascript:alert(1))",
    shows: "[click](javascript:alert(1))",
  },
  {
    name: "a javascript: link with entities",
    text: "[click](&#106;avascript:alert(1))",
    shows: "[click](&#106;avascript:alert(1))",
  },
  {
    name: "a vbscript: link",
    text: "[click](vbscript:msgbox(1))",
    shows: "[click](vbscript:msgbox(1))",
  },
  {
    name: "a data: link",
    text: "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    shows: "[click](data:text/html",
  },
  { name: "a javascript: autolink", text: "<javascript:alert(1)>", shows: "<javascript:alert(1)>" },
  {
    name: "a data: autolink",
    text: "<data:text/html,<script>alert(1)</script>>",
    shows: "<data:text/html",
  },
  {
    name: "a javascript: address as text",
    text: "javascript:alert(1)",
    shows: "javascript:alert(1)",
  },
  {
    name: "an image",
    text: "![x](https://evil.example/track.png)",
    shows: "![x](https://evil.example/track.png)",
  },
  {
    name: "a reference link",
    text: "[x][1]\n\n[1]: javascript:alert(1)",
    shows: "[1]: javascript:alert(1)",
  },
  {
    name: "a link whose text names another host",
    text: "[https://bank.example](https://evil.example)",
    shows: "[https://bank.example](",
  },
  { name: "HTML entities", text: "&lt;script&gt;alert(1)&lt;/script&gt;", shows: "&lt;script&gt;" },
  { name: "a numeric entity", text: "&#60;script&#62;", shows: "&lt;script&gt;" },
  {
    name: "HTML inside emphasis",
    text: "**<img src=x onerror=alert(1)>**",
    shows: "<img src=x onerror=alert(1)>",
  },
  {
    name: "HTML inside a code block",
    text: "```\n<script>alert(1)</script>\n```",
    shows: "<script>alert(1)</script>",
  },
  { name: "HTML inside a quote", text: "> <script>alert(1)</script>", shows: "<script>" },
  { name: "HTML inside a list", text: "- <img src=x onerror=alert(1)>", shows: "<img" },
  {
    name: "a nested trick",
    text: "<scr<script>ipt>alert(1)</scr</script>ipt>",
    shows: "<scr<script>ipt>",
  },
  { name: "a style attribute", text: '<p style="position:fixed">x</p>', shows: "style" },
  { name: "a task list", text: "- [ ] <input onfocus=alert(1) autofocus>", shows: "<input" },
  {
    name: "a table",
    text: "| a | b |\n| - | - |\n| <img src=x onerror=alert(1)> | 2 |",
    shows: "<img src=x onerror=alert(1)>",
  },
  {
    name: "a link with user information",
    text: "https://bank.example@evil.example/",
    shows: "https://bank.example@evil.example/",
  },
];

/** What a screen shows of the markup: the text with entities read back. */
function shownText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&amp;", "&");
}

describe("FormattedText renders hostile Markdown inert", () => {
  it.each(CORPUS)("$name", ({ text, shows }) => {
    const html = render(text);
    expectInert(html);
    expect(shownText(html)).toContain(shows.replaceAll("&lt;", "<").replaceAll("&gt;", ">"));
  });

  it("renders any text inert", () => {
    const pieces = fc.constantFrom(
      "<",
      ">",
      "script",
      "img",
      " onerror=",
      "javascript:",
      "data:",
      "[",
      "](",
      ")",
      "`",
      "```\n",
      "*",
      "_",
      "~~",
      "> ",
      "- ",
      "\n",
      "&#",
      ";",
      '"',
      "https://a.example/",
      "x",
      " ",
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        expectInert(render(parts.join("")));
      }),
      { numRuns: 300 },
    );
  });
});

describe("FormattedText formats the chat subset", () => {
  it.each([
    { text: "**bold**", html: "<strong>bold</strong>" },
    { text: "*italic* and _italic_", html: "<em>italic</em> and <em>italic</em>" },
    { text: "~~gone~~", html: "<del>gone</del>" },
    { text: "one ~tilde~ stays", html: "one ~tilde~ stays" },
    { text: "a `x < y` b", html: ">x &lt; y</code>" },
    { text: "> quoted", html: "<blockquote" },
    { text: "- one\n- two", html: "<li>one</li>\n<li>two</li>" },
    { text: "3. three\n4. four", html: '<ol start="3"' },
    { text: "# not a heading", html: '<p class="whitespace-pre-wrap"># not a heading</p>' },
    { text: "line one\nline two", html: "line one\nline two" },
    { text: "snake_case_name", html: "snake_case_name" },
  ])("$text", ({ text, html }) => {
    expect(render(text)).toContain(html);
  });

  it("shows a fenced code block in monospace with a Copy button, and no links inside", () => {
    const html = render("```js\nconst a = 'https://a.example/';\n```");
    expect(html).toMatch(
      /<pre class="[^"]*font-mono[^"]*overflow-x-auto|<pre class="[^"]*overflow-x-auto[^"]*font-mono/,
    );
    expect(html).toContain("const a = &#x27;https://a.example/&#x27;;");
    expect(html).not.toContain("<a ");
    expect(html).toMatch(/<button[^>]*>.*Copy.*<\/button>/);
  });

  it("makes addresses links showing their real host, other sites in a new tab", () => {
    const html = render("see https://аpple.com/x and https://chat.example/chat/dev");
    expect(html).toContain('href="https://xn--pple-43d.com/x"');
    expect(html).toContain(">https://xn--pple-43d.com/x</a>");
    expect(html).toMatch(
      /href="https:\/\/xn--pple-43d.com\/x"[^>]*target="_blank" rel="noopener noreferrer"/,
    );
    expect(html).toMatch(/<a href="https:\/\/chat.example\/chat\/dev" dir="ltr" class=/);
  });

  it("links addresses inside formatting", () => {
    expect(render("**https://a.example/**")).toMatch(/<strong><a href="https:\/\/a.example\/"/);
  });
});
