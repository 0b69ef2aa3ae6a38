import type { Nodes, Paragraph, Parents, Root, RootContent, Text } from "mdast";

/**
 * Markdown that chat does not render, kept as the characters typed: raw HTML
 * (`<b>`, `<script>`), links written as `[text](url)` or `<url>` (their text
 * could hide where they go; addresses become links by the rules of
 * lib/client/linkify.ts instead), images (no loading from other hosts), link
 * definitions, tables and rules. Headings become paragraphs that keep their
 * `#`: chat, not documents.
 */
const INLINE_AS_TEXT = new Set(["html", "link", "linkReference", "image", "imageReference"]);
const BLOCK_AS_TEXT = new Set(["html", "definition", "table", "thematicBreak"]);

type File = { value: unknown };

function sourceOf(node: Nodes, source: string): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return "";
  return source.slice(start, end);
}

function text(value: string): Text {
  return { type: "text", value };
}

function literal(node: RootContent, source: string, block: boolean): RootContent | null {
  if (node.type === "heading") {
    const paragraph: Paragraph = {
      type: "paragraph",
      children: [text(`${"#".repeat(node.depth)} `), ...node.children],
    };
    return paragraph;
  }
  const types = block ? BLOCK_AS_TEXT : INLINE_AS_TEXT;
  if (!types.has(node.type)) return null;
  const value = sourceOf(node, source);
  return block ? { type: "paragraph", children: [text(value)] } : text(value);
}

/** Blocks are what roots, quotes, lists and items hold; everything else holds inline content. */
function holdsBlocks(parent: Parents): boolean {
  return (
    parent.type === "root" ||
    parent.type === "blockquote" ||
    parent.type === "list" ||
    parent.type === "listItem"
  );
}

function walk(parent: Parents, source: string): void {
  const block = holdsBlocks(parent);
  const children: RootContent[] = [];
  for (const child of parent.children) {
    const replaced = literal(child, source, block) ?? child;
    if ("children" in replaced) walk(replaced, source);
    // One run of text, as it was typed: addresses are found across what the parser had split.
    const previous = children.at(-1);
    if (replaced.type === "text" && previous?.type === "text") previous.value += replaced.value;
    else children.push(replaced);
  }
  parent.children = children as typeof parent.children;
}

/** The remark plugin. */
export function remarkLiteralSyntax() {
  return (tree: Root, file: File) => {
    walk(tree, String(file.value));
  };
}
