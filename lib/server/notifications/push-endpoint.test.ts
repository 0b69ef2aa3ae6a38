import { describe, expect, it } from "vitest";
import { isPublicAddress, pushEndpointProblem } from "./push-endpoint";

describe("pushEndpointProblem", () => {
  const rows: [string, boolean, boolean][] = [
    // endpoint, loopback allowed, acceptable
    ["https://fcm.googleapis.com/fcm/send/abc", false, true],
    ["https://updates.push.services.mozilla.com/wpush/v2/abc", false, true],
    ["https://web.push.apple.com/abc", false, true],
    ["https://8.8.8.8/abc", false, true],
    ["http://fcm.googleapis.com/fcm/send/abc", false, false],
    ["https://fcm.googleapis.com:8443/x", false, false],
    ["https://user:secret@fcm.googleapis.com/x", false, false],
    ["https://127.0.0.1/x", false, false],
    ["https://10.1.2.3/x", false, false],
    ["https://172.16.0.1/x", false, false],
    ["https://192.168.1.1/x", false, false],
    ["https://169.254.169.254/latest/meta-data", false, false],
    ["https://[::1]/x", false, false],
    ["https://[fd00::1]/x", false, false],
    ["https://[::ffff:127.0.0.1]/x", false, false],
    ["https://localhost/x", false, false],
    ["https://metadata.internal/x", false, false],
    ["https://printer.local/x", false, false],
    ["https://intranet/x", false, false],
    ["file:///etc/passwd", false, false],
    ["not a url", false, false],
    ["http://127.0.0.1:4000/push/1", false, false],
    ["http://127.0.0.1:4000/push/1", true, true],
    ["http://localhost:4000/push/1", true, true],
    ["http://10.0.0.1:4000/push/1", true, false],
  ];
  for (const [endpoint, loopback, acceptable] of rows)
    it(`${endpoint}${loopback ? " (loopback allowed)" : ""}: ${acceptable ? "accepted" : "refused"}`, () => {
      expect(pushEndpointProblem(endpoint, loopback) === null).toBe(acceptable);
    });
});

describe("isPublicAddress", () => {
  it("tells public addresses from this machine's and private networks'", () => {
    expect(["1.1.1.1", "2606:4700:4700::1111"].map(isPublicAddress)).toEqual([true, true]);
    expect(
      ["127.0.0.1", "10.0.0.1", "100.64.0.1", "::1", "fe80::1", "0.0.0.0"].map(isPublicAddress),
    ).toEqual([false, false, false, false, false, false]);
  });
});
