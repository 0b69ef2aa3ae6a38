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

/** What the composer's files say about sending: a file that failed or was cancelled must be dealt with first. */
export type FilesCheck = { count: number; blocked: boolean };

/**
 * Whether the message box with these files can be sent: text the server
 * takes, or no text (empty or only spaces) with files; never with a file
 * that failed or was cancelled, which the person retries or removes first.
 * Files still uploading do not hold Send back: the outbox waits for them.
 */
export function canSendWith(check: DraftCheck, files: FilesCheck): boolean {
  if (files.blocked) return false;
  if (check.problem === null) return true;
  return files.count > 0 && check.problem !== "too_long";
}

/** The note under the box when files hold Send back; else the draft's own note (none for a blank box with files). */
export function sendNote(check: DraftCheck, files: FilesCheck): string | null {
  if (files.blocked) return "Retry or remove the files that were not uploaded to send.";
  if (files.count > 0 && check.problem === "blank") return null;
  return draftNote(check);
}
