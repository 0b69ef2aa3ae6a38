import { passkeyClient } from "@better-auth/passkey/client";
import { adminClient, magicLinkClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";
import type { AuthFailure } from "./auth-text";

function makeAuthClient() {
  return createAuthClient({
    // Same origin as the page: no baseURL, so the client asks the host that served it.
    basePath: "/api/auth",
    // Single sign-on needs no client plugin: better-auth 1.7's generic OAuth
    // registers the provider as a social one, reached through signIn.social.
    plugins: [passkeyClient(), magicLinkClient(), adminClient()],
  });
}

export type AuthClient = ReturnType<typeof makeAuthClient>;

let client: AuthClient | null = null;

/**
 * The page's better-auth client, made on first use in the browser: during
 * server rendering there is no origin to ask, and nothing to ask it for.
 */
export function authClient(): AuthClient {
  client ??= makeAuthClient();
  return client;
}

type ClientError = { status: number; code?: string | undefined; message?: string | undefined };

export type Attempt<T> = { ok: true; data: T } | { ok: false; failure: AuthFailure };

/**
 * Runs one better-auth client call: its `{ data, error }` as a result, and a
 * request that got no answer at all (network down, server gone) as status 0
 * rather than a throw.
 */
export async function attempt<T>(
  call: () => Promise<{ data: T | null; error: ClientError | null }>,
): Promise<Attempt<T>> {
  try {
    const { data, error } = await call();
    if (error) return { ok: false, failure: error };
    return { ok: true, data: data as T };
  } catch {
    return { ok: false, failure: { status: 0 } };
  }
}
