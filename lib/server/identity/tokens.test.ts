import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { legacyToken } from "../testing/legacy-token";
import { createTokenSigner } from "./tokens";

const secret = "a-secret-that-is-long-enough-for-hmac-signing";
const signer = createTokenSigner(secret);
const userId = "3f1c2a9e-8b7d-4c6e-9a5f-0123456789ab";
const issuedAt = 1_780_000_000;
const cookie = signer.sign("cookie", userId, 0, issuedAt);
const botToken = signer.sign("bot", userId, 3, issuedAt);
const legacy = legacyToken(secret, userId);

describe("credentials", () => {
  it("say whose they are, of which kind, generation and issue time", () => {
    expect(signer.verify(cookie)).toEqual({ userId, kind: "cookie", generation: 0, issuedAt });
    expect(signer.verify(botToken)).toEqual({ userId, kind: "bot", generation: 3, issuedAt });
  });

  it("of the two kinds are told apart by their prefix, which the signature covers", () => {
    expect(cookie.startsWith(`sbc1.${userId}.`)).toBe(true);
    expect(botToken.startsWith(`sbb1.${userId}.`)).toBe(true);
    const cookieAsBot = `sbb1${cookie.slice(4)}`;
    const botAsCookie = `sbc1${signer.sign("bot", userId, 0, issuedAt).slice(4)}`;
    expect(signer.verify(cookieAsBot)).toBeNull();
    expect(signer.verify(botAsCookie)).toBeNull();
  });

  it("of the old single format are accepted as generation 0, of either kind", () => {
    expect(signer.verify(legacy)).toEqual({
      userId,
      kind: "legacy",
      generation: 0,
      issuedAt: undefined,
    });
  });

  it("are genuine only for the secret that signed them", () => {
    const other = createTokenSigner("another-secret-that-is-long-enough-for-hmac");
    expect(other.verify(cookie)).toBeNull();
    expect(other.verify(legacy)).toBeNull();
    expect(signer.verify(other.sign("bot", userId, 0, issuedAt))).toBeNull();
  });

  const [prefix, , generation, issued, signature] = botToken.split(".");
  const withField = (index: number, value: string) => {
    const parts = botToken.split(".");
    parts[index] = value;
    return parts.join(".");
  };
  it.each([
    ["empty", ""],
    ["no dots", userId],
    ["another user's id with this signature", withField(1, "00000000-0000-0000-0000-0000000000ab")],
    ["a lower generation with this signature", withField(2, "2")],
    ["a later issue time with this signature", withField(3, (issuedAt + 1).toString(36))],
    ["a generation written with a leading zero", withField(2, `0${generation}`)],
    ["an issue time in upper case", withField(3, issued?.toUpperCase() ?? "")],
    ["a negative generation", withField(2, "-3")],
    ["an unknown prefix", withField(0, "sbx1")],
    ["an id with characters ids never have", withField(1, `${userId}/x`)],
    ["an id longer than any issued", withField(1, "a".repeat(65))],
    ["a truncated signature", botToken.slice(0, -1)],
    ["a signature with a character added", `${botToken}A`],
    ["padding appended", `${botToken}=`],
    ["surrounding whitespace", ` ${botToken}\n`],
    ["two tokens joined", `${botToken}.${botToken}`],
    ["a field missing", [prefix, userId, generation, signature].join(".")],
    ["a legacy token with another id", `someone-else.${legacy.split(".")[1]}`],
    ["a legacy token with a character added", `${legacy}A`],
    ["random text", "hello world"],
  ])("reject %s", (_case, presented) => {
    expect(signer.verify(presented)).toBeNull();
  });

  it("reject every credential that differs from a genuine one in a single character", () => {
    const alphabet = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."];
    fc.assert(
      fc.property(
        fc.constantFrom(cookie, botToken, legacy),
        fc.nat({ max: 200 }),
        fc.constantFrom(...alphabet),
        (token, at, replacement) => {
          const position = at % token.length;
          fc.pre(token[position] !== replacement);
          const garbled = token.slice(0, position) + replacement + token.slice(position + 1);
          expect(signer.verify(garbled)).toBeNull();
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("round-trip ids of other shapes and large generations and times", () => {
    for (const id of ["a", "A-1", "x".repeat(64)]) {
      for (const [gen, at] of [
        [0, 0],
        [1, 1],
        [999_999, 4_102_444_800],
      ] as const) {
        expect(signer.verify(signer.sign("bot", id, gen, at))).toEqual({
          userId: id,
          kind: "bot",
          generation: gen,
          issuedAt: at,
        });
      }
    }
  });
});
