import { createHash } from "node:crypto";
import data from "emojibase-data/en/data.json";
import messages from "emojibase-data/en/messages.json";

/**
 * The emoji picker's data (Emojibase, English), served from this origin: the
 * picker would fetch it from a CDN, which our Content-Security-Policy
 * (`connect-src 'self'`) forbids and which would tell a third party who
 * opened a picker. Fixed for a build, so it is serialised once, cached by
 * browsers, and tagged so the picker's revalidation (a HEAD for the ETag)
 * costs no body.
 */
const files = new Map(
  Object.entries({ "data.json": data, "messages.json": messages }).map(([name, json]) => {
    const body = JSON.stringify(json);
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    return [name, { body, etag }];
  }),
);

export async function GET(
  request: Request,
  { params }: { params: Promise<{ file: string }> },
): Promise<Response> {
  const file = files.get((await params).file);
  if (!file) return new Response("Not found", { status: 404 });
  const headers = {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "public, max-age=86400",
    etag: file.etag,
  };
  if (request.headers.get("if-none-match") === file.etag)
    return new Response(null, { status: 304, headers });
  return new Response(file.body, { headers });
}
