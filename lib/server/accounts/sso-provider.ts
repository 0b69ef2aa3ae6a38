import type { BetterAuthPlugin } from "better-auth";
import { genericOAuth } from "better-auth/plugins";
import type { Logger } from "../logger";
import type { AccountsConfig } from "./accounts-config";
import { displayNameFromProfile } from "./provider-profile";

/** How long a sign-in waits for the provider's discovery document before saying it is not answering. */
export const SSO_DISCOVERY_WAIT_MS = 5_000;

type ProviderContext = { socialProviders: Array<{ id: string }> };

export type SsoPlugin = {
  plugin: BetterAuthPlugin;
  /**
   * True once the provider's endpoints are known. Reads the discovery
   * document if it has not been read yet (again, if the last try failed),
   * waiting at most SSO_DISCOVERY_WAIT_MS.
   */
  ready(): Promise<boolean>;
};

/**
 * One OpenID Connect provider, through better-auth's genericOAuth, found by
 * its discovery document — but read apart from better-auth's start. As
 * genericOAuth does it, every request to /api/auth (sessions of pages and
 * sockets included) waits for the start, so a provider not answering would
 * hold up every sign-in of every kind; and one refused while the server
 * started would leave single sign-on off until a restart. Here the start
 * does not wait, and a sign-in through the provider tries again if needed.
 */
export function createSsoPlugin(
  providerId: string,
  sso: NonNullable<AccountsConfig["sso"]>,
  logger: Logger,
): SsoPlugin {
  const inner = genericOAuth({
    config: [
      {
        providerId,
        clientId: sso.clientId,
        clientSecret: sso.clientSecret,
        discoveryUrl: `${sso.issuer}/.well-known/openid-configuration`,
        scopes: ["openid", "email", "profile"],
        pkce: true,
        // The one way every provider must accept (RFC 6749 §2.3.1), and
        // OpenID Connect's default for a registered client.
        authentication: "basic",
        // Only when the account is made: a name the chat accepts.
        mapProfileToUser: (profile) => ({ name: displayNameFromProfile(profile) }),
      },
    ],
  });
  const discover = inner.init;
  if (!discover)
    throw new Error("genericOAuth has no init: better-auth changed how it finds providers");

  let context: ProviderContext | null = null;
  let attempt: Promise<boolean> | null = null;
  let attemptStarted = 0;
  const isKnown = () =>
    context?.socialProviders.some((provider) => provider.id === providerId) ?? false;

  const tryDiscovery = (): Promise<boolean> => {
    if (!context) return Promise.resolve(false);
    const into = context;
    // genericOAuth's fetch has no time limit: one that hangs is left to
    // finish (or not) on its own while a newer try goes ahead.
    if (attempt && Date.now() - attemptStarted < SSO_DISCOVERY_WAIT_MS) return attempt;
    attemptStarted = Date.now();
    const current: Promise<boolean> = (async () => {
      // genericOAuth's init reads the document and answers the provider
      // list it would have set; ours is the live list, shared by every request.
      const result = (await discover(into as never)) as
        | { context?: Partial<ProviderContext> }
        | undefined;
      const found = result?.context?.socialProviders?.find(
        (provider) => provider.id === providerId,
      );
      if (found && !isKnown()) into.socialProviders.push(found);
      if (!found) logger.warn({ issuer: sso.issuer }, "single sign-on provider not reachable");
      return isKnown();
    })()
      .catch((error: unknown) => {
        logger.warn({ err: error, issuer: sso.issuer }, "single sign-on discovery failed");
        return false;
      })
      .finally(() => {
        if (attempt === current) attempt = null;
      });
    attempt = current;
    return current;
  };

  return {
    plugin: {
      ...inner,
      init(ctx) {
        context = ctx as unknown as ProviderContext;
        // Started now, not awaited: the rest of better-auth starts at once.
        void tryDiscovery();
      },
    },
    async ready() {
      if (isKnown()) return true;
      const pending = tryDiscovery();
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), SSO_DISCOVERY_WAIT_MS);
      });
      try {
        return await Promise.race([pending, waited]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
