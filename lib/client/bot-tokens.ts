import { z } from "zod";
import type { Attempt } from "./auth-client";

/**
 * The account page's side of `/api/bot-tokens`: a signed-in person's named
 * tokens for bots. The secret comes back once, from the create; the list
 * never holds it.
 */
const botTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.coerce.date(),
  lastUsedAt: z.coerce.date().nullable(),
});
const listSchema = z.object({ tokens: z.array(botTokenSchema) });
const createdSchema = z.object({
  token: z.string(),
  id: z.string(),
  name: z.string(),
  createdAt: z.coerce.date(),
});
const errorSchema = z
  .object({ error: z.object({ message: z.string() }) })
  .or(z.object({ message: z.string() }));

export type BotToken = z.infer<typeof botTokenSchema>;
export type CreatedBotToken = z.infer<typeof createdSchema>;

async function call<T>(
  path: string,
  init: RequestInit,
  parse: (body: unknown) => T,
): Promise<Attempt<T>> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: "same-origin", ...init });
  } catch {
    return { ok: false, failure: { status: 0 } };
  }
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const problem = errorSchema.safeParse(body);
    const message = problem.success
      ? "error" in problem.data
        ? problem.data.error.message
        : problem.data.message
      : undefined;
    return { ok: false, failure: { status: response.status, message } };
  }
  try {
    return { ok: true, data: parse(body) };
  } catch {
    return { ok: false, failure: { status: 500 } };
  }
}

const JSON_HEADERS = { "content-type": "application/json" };

export function listBotTokens(): Promise<Attempt<BotToken[]>> {
  return call("/api/bot-tokens", { method: "GET" }, (body) => listSchema.parse(body).tokens);
}

export function createBotToken(name: string): Promise<Attempt<CreatedBotToken>> {
  return call(
    "/api/bot-tokens",
    { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ name }) },
    (body) => createdSchema.parse(body),
  );
}

export function revokeBotToken(id: string): Promise<Attempt<null>> {
  return call(`/api/bot-tokens/${encodeURIComponent(id)}`, { method: "DELETE" }, () => null);
}
