import type { Element, ElementContent, Parents, Root } from "hast";
import { type MentionMarks, markMentions } from "../mention-marks";

/** Code is literal and a link is its address: a mention in them is text. */
const LITERAL_ELEMENTS = new Set(["code", "pre", "a"]);

function marked(value: string, marks: MentionMarks): ElementContent[] {
  return markMentions(value, marks).map((part): ElementContent => {
    if (part.kind === "text") return { type: "text", value: part.text };
    const span: Element = {
      type: "element",
      tagName: "span",
      properties: { dataMention: part.kind },
      children: [{ type: "text", value: part.text }],
    };
    return span;
  });
}

function walk(parent: Parents, marks: MentionMarks): void {
  const children: ElementContent[] = [];
  for (const child of parent.children as ElementContent[]) {
    if (child.type === "text") children.push(...marked(child.value, marks));
    else {
      if (child.type === "element" && !LITERAL_ELEMENTS.has(child.tagName)) walk(child, marks);
      children.push(child);
    }
  }
  parent.children = children;
}

/**
 * The rehype plugin that wraps a message's mentions in spans marked with
 * whom they name (`data-mention`: self, other, all), by the shared rule
 * (lib/shared/mentions.ts). Runs after ./linkify-text.ts: links are left alone.
 */
export function rehypeMentions(options: { marks: MentionMarks | undefined }) {
  return (tree: Root) => {
    if (options.marks) walk(tree, options.marks);
  };
}
