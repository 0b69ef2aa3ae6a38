import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTokenSigner } from "./tokens";

const signer = createTokenSigner("a-secret-that-is-long-enough-for-hmac-signing");
const userId = "3f1c2a9e-8b7d-4c6e-9a5f-0123456789ab";
const token = signer.sign(userId);
const signature = token.slice(userId.length + 1);

describe("identity tokens", () => {
  it("are <userId>.<signature> and verify to the user id they were signed for", () => {
    expect(token.startsWith(`${userId}.`)).toBe(true);
    expect(signature).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(signer.verify(token)).toBe(userId);
  });

  it("sign the same id the same way every time, so a browser's cookie is stable", () => {
    expect(signer.sign(userId)).toBe(token);
  });

  it("are genuine only for the secret that signed them", () => {
    const other = createTokenSigner("another-secret-that-is-long-enough-for-hmac");
    expect(other.verify(token)).toBeNull();
    expect(signer.verify(other.sign(userId))).toBeNull();
  });

  it.each([
    ["empty", ""],
    ["no dot", userId],
    ["nothing before the dot", `.${signature}`],
    ["nothing after the dot", `${userId}.`],
    ["another user's id with this signature", `00000000-0000-0000-0000-000000000000.${signature}`],
    ["an id with characters ids never have", `${userId}/x.${signature}`],
    [
      "an id longer than any issued",
      `${"a".repeat(65)}.${signer.sign("a".repeat(64)).split(".")[1]}`,
    ],
    ["a truncated signature", token.slice(0, -1)],
    ["a signature with a character added", `${token}A`],
    ["padding appended", `${token}=`],
    [
      "a character the encoding ignores",
      `${userId}.${signature.slice(0, 10)}!${signature.slice(10)}`,
    ],
    ["surrounding whitespace", ` ${token}\n`],
    ["two tokens joined", `${token}.${token}`],
    ["random text", "hello world"],
  ])("reject %s", (_case, presented) => {
    expect(signer.verify(presented)).toBeNull();
  });

  it("reject every token that differs from a genuine one in a single character", () => {
    const alphabet = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."];
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...alphabet),
        (position, replacement) => {
          fc.pre(token[position] !== replacement);
          const garbled = token.slice(0, position) + replacement + token.slice(position + 1);
          expect(signer.verify(garbled)).toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("verify ids of other shapes that they signed", () => {
    for (const id of ["a", "A-1", "x".repeat(64)]) expect(signer.verify(signer.sign(id))).toBe(id);
  });
});
