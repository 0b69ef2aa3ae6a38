import type { ChatMessage, MemberChange } from "../../shared/protocol";
import { takePage, weighedText } from "./page-bytes";

type Change = { message: ChatMessage } | { member: MemberChange };

/** Both change streams as one, ascending by rev (revs are unique per room across both). */
function* byRev(
  messages: Iterable<ChatMessage>,
  members: readonly MemberChange[],
): Generator<Change> {
  let next = 0;
  for (const message of messages) {
    while (next < members.length && (members[next] as MemberChange).rev < message.rev)
      yield { member: members[next++] as MemberChange };
    yield { message };
  }
  while (next < members.length) yield { member: members[next++] as MemberChange };
}

/**
 * One `changes:after` page from a room's changed messages and memberships,
 * each read ascending by rev with LIMIT limit+1 (messages streamed, and no
 * further than the byte bound): at most `limit` of both together, in rev
 * order, bounded in bytes like every page (a membership weighs as a message
 * without text), `hasMore` when some were left out.
 */
export function takeChanges(
  messages: Iterable<ChatMessage>,
  members: readonly MemberChange[],
  limit: number,
): { messages: ChatMessage[]; members: MemberChange[]; hasMore: boolean } {
  const page = takePage(byRev(messages, members), limit, (change) =>
    "message" in change ? weighedText(change.message) : "",
  );
  const kept = { messages: [] as ChatMessage[], members: [] as MemberChange[] };
  for (const change of page.rows) {
    if ("message" in change) kept.messages.push(change.message);
    else kept.members.push(change.member);
  }
  return { ...kept, hasMore: page.hasMore };
}
