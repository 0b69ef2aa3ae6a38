import { ACCOUNT_SESSION_COOKIE } from "../../lib/server/accounts/accounts";

/**
 * Accounts over the server's own /api/auth routes, as its page posts them
 * (same Origin): a sign-up, and one session revoking another.
 */
export type BenchAccount = { email: string; password: string; name: string };

async function authPost(
  baseUrl: string,
  path: string,
  body: unknown,
  cookie?: string,
): Promise<Response> {
  return fetch(`${baseUrl}/api/auth${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: baseUrl,
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (response.status !== 200)
    throw new Error(`${what}: status ${response.status}: ${await response.text()}`);
}

/** `scrollback.session_token=…` from an answer's Set-Cookie, as a Cookie header sends it back. */
function sessionCookieOf(response: Response): string {
  const pair = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";", 1)[0] ?? "")
    .find((cookie) => cookie.startsWith(`${ACCOUNT_SESSION_COOKIE}=`));
  if (!pair) throw new Error(`no session cookie in the answer (status ${response.status})`);
  return pair;
}

/** The session's own token (what revoke-session takes): the cookie's value without its signature. */
export function sessionTokenOf(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(ACCOUNT_SESSION_COOKIE.length + 1));
  return value.slice(0, value.lastIndexOf("."));
}

/** Signs up; resolves with the new session's cookie. */
export async function signUp(baseUrl: string, account: BenchAccount): Promise<string> {
  const response = await authPost(baseUrl, "/sign-up/email", account);
  await expectOk(response, `sign-up of ${account.email}`);
  return sessionCookieOf(response);
}

/** From the session of `cookie`, ends another session of the same account ("sign out that device"). */
export async function revokeSession(
  baseUrl: string,
  cookie: string,
  revokedCookie: string,
): Promise<void> {
  const response = await authPost(
    baseUrl,
    "/revoke-session",
    { token: sessionTokenOf(revokedCookie) },
    cookie,
  );
  await expectOk(response, "revoke-session");
}
