import { expect } from "vitest";
import { ACCOUNT_SESSION_COOKIE } from "../accounts/accounts";
import type { ChatTestServer } from "./chat-test-server";

export type TestAccount = { email: string; password: string; name: string };

let counter = 0;
/** A fresh person for one test: unique address, a password no rule refuses. */
export function newTestAccount(name = "Test Person"): TestAccount {
  counter += 1;
  return {
    email: `person${counter}-${Date.now().toString(36)}@example.test`,
    password: `quiet-meadow-${counter}-lantern`,
    name,
  };
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header sends them back. */
export function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";", 1)[0] ?? "")
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

/** A POST to /api/auth as the server's own page would send it (same Origin). */
export function authPost(
  server: Pick<ChatTestServer, "url">,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${server.url}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, ...headers },
    body: JSON.stringify(body),
  });
}

/** The session cookie alone, from a sign-up or sign-in answer. */
function sessionCookieOf(response: Response): string {
  const pair = cookiesOf(response)
    .split("; ")
    .find((cookie) => cookie.startsWith(`${ACCOUNT_SESSION_COOKIE}=`));
  if (!pair) throw new Error(`no session cookie in the answer (status ${response.status})`);
  return pair;
}

/**
 * Signs up through the real /api/auth route. `guestCookie`: the browser's
 * guest identity cookie, for a guest who signs up.
 */
export async function signUp(
  server: ChatTestServer,
  account: TestAccount,
  options: { guestCookie?: string } = {},
): Promise<{ cookie: string; accountId: string; chatUserId: string }> {
  const response = await authPost(
    server,
    "/sign-up/email",
    account,
    options.guestCookie ? { cookie: options.guestCookie } : {},
  );
  const body = (await response.json()) as { user?: { id: string } };
  expect(response.status, JSON.stringify(body)).toBe(200);
  const cookie = sessionCookieOf(response);
  const signedIn = await server.app.accounts?.signedInFromCookie(cookie);
  if (!signedIn || !body.user) throw new Error("signed up, but the session does not sign in");
  return { cookie, accountId: body.user.id, chatUserId: signedIn.chatUserId };
}

export async function signIn(
  server: ChatTestServer,
  account: Pick<TestAccount, "email" | "password">,
): Promise<{ cookie: string }> {
  const response = await authPost(server, "/sign-in/email", account);
  expect(response.status).toBe(200);
  return { cookie: sessionCookieOf(response) };
}
