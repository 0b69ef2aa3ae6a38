import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** A person the provider knows; `login` is what its sign-in form is given. */
export type OidcTestUser = {
  login: string;
  email: string;
  emailVerified: boolean;
  name?: string;
};

export type OidcTestClient = { clientId: string; clientSecret: string; redirectUri: string };

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 port 0, with
 * one confidential client registered as most providers register one
 * (client_secret_basic, authorization code, PKCE), and its development
 * sign-in and consent pages, which `signInThroughProvider` fills in.
 */
export class OidcTestProvider {
  readonly users = new Map<string, OidcTestUser>();
  /** `silent`: requests are held and never answered; `refuse`: connections are dropped at once. */
  outage: "none" | "silent" | "refuse" = "none";
  /** How each token request authenticated the client (its Authorization header). */
  readonly tokenRequests: Array<{ authorization: string | null }> = [];

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  /** `client`: asked for when the client is first used, so it may name a server started after this one. */
  static async start(client: () => OidcTestClient): Promise<OidcTestProvider> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const created = new OidcTestProvider(server, issuer);
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const provider = new Provider(issuer, {
      // The client is looked up when first used: by then the chat server,
      // which reads our discovery document as it starts, knows its URL.
      adapter: memoryAdapter((clientId) => {
        const registered = client();
        if (clientId !== registered.clientId) return undefined;
        return {
          client_id: registered.clientId,
          client_secret: registered.clientSecret,
          redirect_uris: [registered.redirectUri],
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_basic",
        };
      }),
      claims: {
        openid: ["sub"],
        email: ["email", "email_verified"],
        profile: ["name"],
      },
      findAccount: (_ctx, id) => {
        const user = created.users.get(id);
        if (!user) return undefined;
        return {
          accountId: id,
          claims: () => ({
            sub: `subject-${id}`,
            email: user.email,
            email_verified: user.emailVerified,
            ...(user.name ? { name: user.name } : {}),
          }),
        };
      },
      cookies: { keys: ["oidc-test-provider-cookie-key"] },
      jwks: {
        keys: [{ ...privateKey.export({ format: "jwk" }), kid: "test", use: "sig", alg: "RS256" }],
      },
    });
    const handle = provider.callback();
    server.on("request", (request, response) => {
      if (created.outage === "refuse") {
        request.socket.destroy();
        return;
      }
      if (created.outage === "silent") return; // held open, never answered
      if (request.url?.startsWith("/token"))
        created.tokenRequests.push({ authorization: request.headers.authorization ?? null });
      handle(request, response);
    });
    return created;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Cookies by origin, as a browser keeps them (paths and expiry ignored: tests are short). */
export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  header(url: URL): string {
    const cookies = this.byOrigin.get(url.origin);
    return cookies ? [...cookies].map(([name, value]) => `${name}=${value}`).join("; ") : "";
  }

  /** A cookie the browser already has, `name=value`. */
  add(origin: string, pair: string): void {
    const at = pair.indexOf("=");
    const cookies = this.byOrigin.get(origin) ?? new Map<string, string>();
    cookies.set(pair.slice(0, at), pair.slice(at + 1));
    this.byOrigin.set(origin, cookies);
  }

  take(url: URL, response: Response): void {
    const cookies = this.byOrigin.get(url.origin) ?? new Map<string, string>();
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = ""] = setCookie.split(";", 1);
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === "" || /max-age=0\b/i.test(setCookie)) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.byOrigin.set(url.origin, cookies);
  }

  /** One request as a browser makes it: this origin's cookies, redirects not followed. */
  async fetch(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.header(url);
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.take(url, response);
    return response;
  }
}

/**
 * Follows the authorization-code flow from the provider's authorize URL as a
 * browser would, signing in as `login` and consenting on the provider's
 * pages, until a redirect leaves the provider. Returns that redirect's target.
 */
export async function signInThroughProvider(
  jar: CookieJar,
  authorizeUrl: URL,
  login: string,
): Promise<URL> {
  let url = authorizeUrl;
  for (let hops = 0; hops < 20; hops += 1) {
    if (url.origin !== authorizeUrl.origin) return url;
    let response = await jar.fetch(url);
    if (response.status === 200 && /\/interaction\/[^/]+$/.test(url.pathname)) {
      // The provider's own page: its sign-in form, then its consent form.
      const page = await response.text();
      const prompt = page.match(/name="prompt" value="(\w+)"/)?.[1];
      if (!prompt) throw new Error(`no form on the provider's page:\n${page}`);
      const form = new URLSearchParams({ prompt, login, password: "any" });
      response = await jar.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      });
    }
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(
        `the provider answered ${response.status} at ${url.pathname}: ${await response.text()}`,
      );
    }
    await response.body?.cancel();
    url = new URL(location, url);
  }
  throw new Error("too many redirects at the provider");
}

type Payload = Record<string, unknown>;

/**
 * oidc-provider's storage, in memory, with clients from `clientFor`
 * (the provider asks its adapter for clients it was not configured with).
 */
function memoryAdapter(clientFor: (clientId: string) => Payload | undefined) {
  const rows = new Map<string, Payload>();
  return (model: string) => {
    const key = (id: string) => `${model}:${id}`;
    const matching = (field: string, value: unknown) =>
      [...rows].filter(([id, payload]) => id.startsWith(`${model}:`) && payload[field] === value);
    return {
      async upsert(id: string, payload: Payload) {
        rows.set(key(id), payload);
      },
      async find(id: string) {
        return model === "Client" ? clientFor(id) : rows.get(key(id));
      },
      async findByUid(uid: string) {
        return matching("uid", uid)[0]?.[1];
      },
      async findByUserCode(userCode: string) {
        return matching("userCode", userCode)[0]?.[1];
      },
      async consume(id: string) {
        const payload = rows.get(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id: string) {
        rows.delete(key(id));
      },
      async revokeByGrantId(grantId: string) {
        for (const [id, payload] of rows) if (payload.grantId === grantId) rows.delete(id);
      },
    };
  };
}
