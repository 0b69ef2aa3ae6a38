import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { displayNameSchema, toProtocolError } from "../../shared/protocol";
import { sendJson } from "../ops/ops-endpoints";
import { isOriginAllowed, originHeader, requestHost } from "../security/origin-policy";
import { type BotTokenRecord, StoreUnavailableError, TooManyBotTokensError } from "../store/types";
import type { SignedIn } from "./account-types";
import type { BotTokens } from "./bot-tokens";
import { MAX_BOT_TOKENS_PER_ACCOUNT } from "./bot-tokens";

export const BOT_TOKENS_PATH = "/api/bot-tokens";

/** A name and nothing else: anything larger is not a request of ours. */
export const BOT_TOKEN_BODY_LIMIT_BYTES = 4 * 1024;

const TOKEN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isBotTokenPath(path: string): boolean {
  return path === BOT_TOKENS_PATH || path.startsWith(`${BOT_TOKENS_PATH}/`);
}

/** The body of `POST /api/bot-tokens`: the token's name, which is also its bot's display name. */
export const newBotTokenSchema = z.object({ name: displayNameSchema });

export type BotTokenRoutesDeps = {
  accounts: { signedInFromCookie(cookieHeader: string | undefined): Promise<SignedIn | null> };
  botTokens: BotTokens;
  trustProxy: boolean;
  /** Origins besides the server's own whose pages may change tokens (ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
};

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

const fail = (status: number, code: string, message: string, headers?: Record<string, string>) =>
  ({ status, body: { code, message }, headers }) satisfies Answer;

const listed = (token: BotTokenRecord) => ({
  id: token.id,
  name: token.name,
  createdAt: token.createdAt.toISOString(),
  lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
});

/** The body, or "too_large" as soon as it passes the limit (the rest is never buffered). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | "too_large"> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve("too_large");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off("data", onData);
        resolve("too_large");
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", reject);
  });
}

/**
 * `/api/bot-tokens`: a signed-in person's bot tokens. GET lists them (never
 * the secret), POST `{ name }` makes one and answers its secret, once, and
 * DELETE `/api/bot-tokens/<id>` revokes one, disconnecting its bots. Only a
 * session cookie signs these requests in — a bot's own token cannot make
 * more tokens — and changes from another site's page are refused (CSRF).
 */
export function createBotTokenRoutes(deps: BotTokenRoutesDeps) {
  async function answer(request: IncomingMessage): Promise<Answer> {
    const path = (request.url ?? "/").split("?", 1)[0] ?? "/";
    const id = path === BOT_TOKENS_PATH ? null : path.slice(BOT_TOKENS_PATH.length + 1);
    const method = request.method ?? "GET";
    const allowed = id === null ? ["GET", "POST"] : ["DELETE"];
    if (!allowed.includes(method))
      return fail(405, "method_not_allowed", `Use ${allowed.join(" or ")} here.`, {
        allow: allowed.join(", "),
      });
    if (
      method !== "GET" &&
      !isOriginAllowed(
        originHeader(request),
        requestHost(request, deps.trustProxy),
        deps.allowedOrigins,
      )
    )
      return fail(403, "FORBIDDEN_ORIGIN", "This request came from a page of another site.");
    const signedIn = await deps.accounts.signedInFromCookie(request.headers.cookie);
    if (!signedIn) return fail(401, "unauthorized", "Sign in to manage bot tokens.");

    if (method === "GET") {
      const tokens = await deps.botTokens.list(signedIn.accountId);
      return { status: 200, body: { tokens: tokens.map(listed) } };
    }
    if (method === "DELETE") {
      const revoked =
        id !== null && TOKEN_ID.test(id) && (await deps.botTokens.revoke(signedIn.accountId, id));
      return revoked
        ? { status: 204 }
        : fail(404, "not_found", "You have no bot token with that id.");
    }
    return create(request, signedIn);
  }

  async function create(request: IncomingMessage, signedIn: SignedIn): Promise<Answer> {
    const type = request.headers["content-type"]?.split(";", 1)[0]?.trim().toLowerCase();
    if (type !== "application/json")
      return fail(415, "unsupported_media_type", "Send the new token's name as application/json.");
    const body = await readBody(request, BOT_TOKEN_BODY_LIMIT_BYTES);
    if (body === "too_large")
      return fail(
        413,
        "too_large",
        `A request here is at most ${BOT_TOKEN_BODY_LIMIT_BYTES} bytes.`,
        {
          connection: "close",
        },
      );
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return fail(400, "invalid_json", 'The body is not JSON; send { "name": "…" }.');
    }
    const parsed = newBotTokenSchema.safeParse(json);
    if (!parsed.success) {
      const { code, message } = toProtocolError(parsed.error);
      return fail(400, code, message);
    }
    try {
      const { token, record } = await deps.botTokens.create(signedIn.accountId, parsed.data.name);
      return {
        status: 201,
        body: {
          token,
          id: record.id,
          name: record.name,
          createdAt: record.createdAt.toISOString(),
        },
      };
    } catch (error) {
      if (error instanceof TooManyBotTokensError)
        return fail(
          409,
          "too_many_tokens",
          `An account can have at most ${MAX_BOT_TOKENS_PER_ACCOUNT} bot tokens; revoke one you no longer use first.`,
        );
      throw error;
    }
  }

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    response.setHeader("cache-control", "no-store");
    let result: Answer;
    try {
      result = await answer(request);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      const seconds = Math.ceil(error.retryAfterMs / 1000);
      result = fail(503, "unavailable", "The database is unavailable; try again shortly.", {
        "retry-after": String(seconds),
      });
    }
    for (const [name, value] of Object.entries(result.headers ?? {}))
      response.setHeader(name, value);
    if (result.body === undefined) {
      response.writeHead(result.status);
      response.end();
    } else {
      sendJson(response, result.status, result.body);
    }
  };
}
