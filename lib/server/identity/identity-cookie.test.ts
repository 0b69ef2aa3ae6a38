import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isHttps } from "./identity-cookie";

function request(encrypted: boolean, forwardedProto?: string | string[]): IncomingMessage {
  const headers = forwardedProto === undefined ? {} : { "x-forwarded-proto": forwardedProto };
  return { socket: encrypted ? { encrypted: true } : {}, headers } as unknown as IncomingMessage;
}

describe("isHttps", () => {
  it.each([
    ["a TLS connection", request(true), false, true],
    ["plain HTTP", request(false), false, false],
    ["a forwarded https from an untrusted client", request(false, "https"), false, false],
    ["a forwarded https behind a trusted proxy", request(false, "https"), true, true],
    ["a forwarded http behind a trusted proxy", request(false, "http"), true, false],
    ["a chain of proxies, the first saying https", request(false, "https, http"), true, true],
    ["a chain of proxies, the first saying http", request(false, "http, https"), true, false],
    ["a repeated header", request(false, ["https", "http"]), true, true],
    ["no header behind a trusted proxy", request(false), true, false],
  ])("%s", (_case, req, trustProxy, expected) => {
    expect(isHttps(req, trustProxy)).toBe(expected);
  });
});
