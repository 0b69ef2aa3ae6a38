import type { Element, ElementContent, Parents, Root } from "hast";
import { linkify } from "../linkify";

/** Code is shown exactly as written: an address in it stays text. */
const LITERAL_ELEMENTS = new Set(["code", "pre"]);

function linkified(value: string, ownOrigin: string | undefined): ElementContent[] {
  return linkify(value, ownOrigin).map((part): ElementContent => {
    if (part.kind === "text") return { type: "text", value: part.text };
    const link: Element = {
      type: "element",
      tagName: "a",
      properties: { href: part.href, dataExternal: part.external ? "true" : "false" },
      children: [{ type: "text", value: part.display }],
    };
    return link;
  });
}

function walk(parent: Parents, ownOrigin: string | undefined): void {
  const children: ElementContent[] = [];
  for (const child of parent.children as ElementContent[]) {
    if (child.type === "text") children.push(...linkified(child.value, ownOrigin));
    else {
      if (child.type === "element" && !LITERAL_ELEMENTS.has(child.tagName)) walk(child, ownOrigin);
      children.push(child);
    }
  }
  parent.children = children;
}

/**
 * The rehype plugin that makes web addresses in text links, by the rules of
 * lib/client/linkify.ts (http and https only, the real host shown, no
 * invisible characters). Every link in a rendered message comes from here:
 * Markdown's own link syntax is kept as text (./literal-syntax.ts).
 */
export function rehypeLinkify(options: { ownOrigin: string | undefined }) {
  return (tree: Root) => {
    walk(tree, options.ownOrigin);
  };
}
