/**
 * The little of oidc-provider (v9, no published types) that the test
 * provider in oidc-test-provider.ts uses.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export type FoundAccount = {
    accountId: string;
    claims(use: string, scope: string): Record<string, unknown> | Promise<Record<string, unknown>>;
  };

  export type ProviderConfiguration = {
    clients?: Array<Record<string, unknown>>;
    adapter?: (model: string) => unknown;
    findAccount?(
      ctx: unknown,
      id: string,
    ): FoundAccount | undefined | Promise<FoundAccount | undefined>;
    claims?: Record<string, string[]>;
    cookies?: { keys?: string[] };
    jwks?: { keys: Array<Record<string, unknown>> };
    features?: Record<string, unknown>;
    pkce?: Record<string, unknown>;
    ttl?: Record<string, unknown>;
  };

  export default class Provider {
    constructor(issuer: string, configuration?: ProviderConfiguration);
    readonly issuer: string;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
