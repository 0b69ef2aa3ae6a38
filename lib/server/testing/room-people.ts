import type { ChatClientSocket } from "../../client/room-client";
import type {
  RequestEvent,
  RequestOf,
  Result,
  ResultOf,
  ServerToClientEvents,
  User,
} from "../../shared/protocol";
import { newTestAccount, signUp } from "./accounts";
import { type ChatTestServer, request } from "./chat-test-server";

/** One person in a rooms test: their connection, who they are, and what it heard. */
export type RoomPerson = {
  socket: ChatClientSocket;
  user: User;
  /** The Cookie header their browser would send (guests from `guestWithCookie`, accounts). */
  cookie?: string;
  ask<E extends RequestEvent>(event: E, payload: RequestOf<E>): Promise<Result<ResultOf<E>>>;
  /** The same, failing the test when the answer is a refusal. */
  must<E extends RequestEvent>(event: E, payload: RequestOf<E>): Promise<ResultOf<E>>;
  /** Every `event` heard since `hear` was first called for it. */
  heard<E extends keyof ServerToClientEvents>(event: E): Parameters<ServerToClientEvents[E]>[0][];
};

function personOn(socket: ChatClientSocket, user: User, cookie?: string): RoomPerson {
  const logs = new Map<string, unknown[]>();
  const ask: RoomPerson["ask"] = (event, payload) => request(socket, event, payload);
  const person: RoomPerson = {
    socket,
    user,
    ask,
    async must(event, payload) {
      const answer = await ask(event, payload);
      if (!answer.ok) throw new Error(`${event} refused: ${JSON.stringify(answer.error)}`);
      return answer;
    },
    heard(event) {
      let log = logs.get(event);
      if (!log) {
        const fresh: unknown[] = [];
        log = fresh;
        logs.set(event, fresh);
        socket.on(event, ((payload: unknown) => fresh.push(payload)) as never);
      }
      return log as never;
    },
  };
  if (cookie !== undefined) person.cookie = cookie;
  // Listen from the start, so nothing sent before the test asks is missed.
  for (const event of ["member:changed", "room:updated", "message:created", "message:updated"])
    person.heard(event as keyof ServerToClientEvents);
  return person;
}

/** A guest with a bot-style connection (no cookie). */
export async function guest(server: ChatTestServer, name: string): Promise<RoomPerson> {
  const { socket, session } = await server.connect({ auth: { name } });
  return personOn(socket, session.user);
}

/** A guest whose browser holds the identity cookie, as pages see them. */
export async function guestWithCookie(server: ChatTestServer, name: string): Promise<RoomPerson> {
  const cookie = await server.issueIdentityCookie();
  const { socket, session } = await server.connect({
    auth: { name },
    extraHeaders: { cookie },
  });
  return personOn(socket, session.user, cookie);
}

/** A person signed in to a new account (the server's first account is its admin). */
export async function member(server: ChatTestServer, name: string): Promise<RoomPerson> {
  const { cookie } = await signUp(server, newTestAccount(name));
  const { socket, session } = await server.connect({ extraHeaders: { cookie } });
  return personOn(socket, session.user, cookie);
}
