import { MAX_MESSAGE_CODE_POINTS } from "../shared/limits";
import { codePointLength, hasVisibleText } from "../shared/text";

/** Why a draft cannot be sent as it is; the server refuses the same texts. */
export type DraftProblem = "empty" | "blank" | "too_long";

export type DraftCheck = {
  /** In code points, as the limit is counted. */
  length: number;
  problem: DraftProblem | null;
};

export function checkDraft(text: string): DraftCheck {
  const length = codePointLength(text);
  if (length === 0) return { length, problem: "empty" };
  if (!hasVisibleText(text)) return { length, problem: "blank" };
  if (length > MAX_MESSAGE_CODE_POINTS) return { length, problem: "too_long" };
  return { length, problem: null };
}

/**
 * What the composer says about a draft it will not send. An empty box needs
 * no explanation; the others do, or Send would look broken.
 */
export function draftNote(check: DraftCheck): string | null {
  switch (check.problem) {
    case "blank":
      return "Only spaces: there is nothing to send.";
    case "too_long": {
      const over = check.length - MAX_MESSAGE_CODE_POINTS;
      return `${over} ${over === 1 ? "character" : "characters"} over the limit of ${MAX_MESSAGE_CODE_POINTS}: shorten it to send.`;
    }
    default:
      return null;
  }
}

/**
 * The draft after a message that was not sent is brought back to it: the
 * message first, as it was written first, then whatever the person had begun
 * since, so nothing typed is lost.
 */
export function withRestored(draft: string, restored: string): string {
  return hasVisibleText(draft) ? `${restored}\n${draft}` : restored;
}
