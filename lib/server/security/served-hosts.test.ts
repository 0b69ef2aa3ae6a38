import { describe, expect, it } from "vitest";
import { hostOfHeader, normalizeHost } from "./host-names";
import { createServedHosts, isServedHost, type KnownHosts } from "./served-hosts";

describe("normalizeHost", () => {
  it.each([
    ["Chat.Example.ORG", "chat.example.org"],
    ["chat.example.org.", "chat.example.org"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["192.168.1.20", "192.168.1.20"],
    ["[::1]", "::1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["localhost", "localhost"],
    ["my-box", "my-box"],
  ])("%s is %s", (written, normalized) => {
    expect(normalizeHost(written)).toBe(normalized);
  });

  it.each([
    "999.1.1.1",
    "1.2.3",
    "",
    "a b",
    "-leading.example",
    "trailing-.example",
    "https://chat.example.org",
    "chat.example.org:443",
    "user@chat.example.org",
    "chat.example.org/path",
    "[::1",
  ])("%j is not a host", (written) => {
    expect(normalizeHost(written)).toBeNull();
  });
});

describe("hostOfHeader", () => {
  it.each([
    ["chat.example.org", "chat.example.org"],
    ["chat.example.org:8443", "chat.example.org"],
    ["127.0.0.1:3000", "127.0.0.1"],
    ["[::1]:3000", "::1"],
    ["[fe80::1]", "fe80::1"],
    ["evil.example:99999999", null],
    ["evil.example:port", null],
    ["a b:3000", null],
  ])("%s names %s", (header, host) => {
    expect(hostOfHeader(header)).toBe(host);
  });
});

const nothingConfigured: KnownHosts = {
  allowed: [],
  ofAllowedOrigins: [],
  listening: [],
  machine: {
    addresses: ["127.0.0.1", "::1", "192.168.1.20", "fe80::1c2d"],
    names: ["my-box", "my-box.local"],
  },
  trustProxy: false,
};

describe("isServedHost", () => {
  it.each([
    ["localhost", true],
    ["app.localhost", true],
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["the machine's LAN address", "192.168.1.20", true],
    ["its link-local IPv6 address", "fe80::1c2d", true],
    ["its host name", "my-box", true],
    ["its mDNS name", "my-box.local", true],
    ["another LAN address", "192.168.1.21", false],
    ["a rebound public name", "rebound.evil.example", false],
    ["a look-alike of localhost", "localhost.evil.example", false],
    ["a public name it was not told of", "chat.example.org", false],
  ] as const)("with nothing configured: %s", (...row) => {
    const [host, served] = row.length === 3 ? [row[1], row[2]] : [row[0], row[1]];
    expect(isServedHost(host, nothingConfigured)).toBe(served);
  });

  it("serves ALLOWED_HOSTS, the hosts of ALLOWED_ORIGINS and the listening address", () => {
    const known = {
      ...nothingConfigured,
      allowed: ["chat.example.org"],
      ofAllowedOrigins: ["app.example.org"],
      listening: ["10.0.0.5"],
    };
    for (const host of ["chat.example.org", "app.example.org", "10.0.0.5"])
      expect(isServedHost(host, known)).toBe(true);
    expect(isServedHost("www.chat.example.org", known)).toBe(false);
  });

  it("behind a trusted proxy, serves what the proxy forwards unless ALLOWED_HOSTS says otherwise", () => {
    expect(isServedHost("chat.example.org", { ...nothingConfigured, trustProxy: true })).toBe(true);
    const listed = { ...nothingConfigured, trustProxy: true, allowed: ["chat.example.org"] };
    expect(isServedHost("chat.example.org", listed)).toBe(true);
    expect(isServedHost("rebound.evil.example", listed)).toBe(false);
  });

  it("serves any host with ALLOWED_HOSTS=*", () => {
    expect(isServedHost("anything.example", { ...nothingConfigured, allowed: ["*"] })).toBe(true);
  });
});

describe("createServedHosts", () => {
  it("reads Host headers, lets requests without one through, and learns the listening address", () => {
    const served = createServedHosts({
      allowedHosts: [],
      allowedOrigins: ["https://App.Example.org:8443"],
      trustProxy: false,
      machine: () => ({ addresses: ["127.0.0.1"], names: [] }),
    });
    expect(served.serves("localhost:3000")).toBe(true);
    expect(served.serves("app.example.org")).toBe(true);
    expect(served.serves(undefined)).toBe(true);
    expect(served.serves("evil.example:3000")).toBe(false);
    expect(served.serves("evil.example:port")).toBe(false);
    expect(served.serves("10.1.2.3:3000")).toBe(false);
    served.listeningOn("10.1.2.3");
    expect(served.serves("10.1.2.3:3000")).toBe(true);
  });

  it("looks at the machine's addresses again when a request names one it did not know", async () => {
    let addresses = ["127.0.0.1"];
    const served = createServedHosts({
      allowedHosts: [],
      allowedOrigins: [],
      trustProxy: false,
      machine: () => ({ addresses, names: [] }),
    });
    expect(served.serves("192.168.7.7")).toBe(false);
    addresses = ["127.0.0.1", "192.168.7.7"];
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(served.serves("192.168.7.7")).toBe(true);
    // A name never makes it look again: only addresses come and go with interfaces.
    expect(served.serves("evil.example")).toBe(false);
  });
});
