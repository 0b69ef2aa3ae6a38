import { describe, expect, it } from "vitest";
import { addressKey, remoteAddressOf } from "./client-address";

describe("the address a connection is counted by", () => {
  it.each([
    ["an IPv4 address", "203.0.113.9", "203.0.113.9"],
    ["an IPv4-mapped IPv6 address", "::ffff:203.0.113.9", "203.0.113.9"],
    ["an IPv6 address, by its /64", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["another address in the same /64", "2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["a compressed IPv6 address", "2001:db8::1", "2001:db8:0:0::/64"],
    ["leading zeros and capitals", "2001:0DB8:0001:0002::1", "2001:db8:1:2::/64"],
    ["the IPv6 loopback", "::1", "0:0:0:0::/64"],
    ["an IPv6 address with a zone", "fe80::1%eth0", "fe80:0:0:0::/64"],
    ["something that is not an address", "unknown", "unknown"],
  ])("%s", (_name, address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it("keeps different /64 networks apart", () => {
    expect(addressKey("2001:db8:1:2::1")).not.toBe(addressKey("2001:db8:1:3::1"));
  });

  it.each([
    [
      "no proxy: the socket's address, whatever the header says",
      "10.0.0.1",
      "6.6.6.6",
      false,
      "10.0.0.1",
    ],
    [
      "behind a proxy: the address it appended, last",
      "10.0.0.1",
      "6.6.6.6, 203.0.113.9",
      true,
      "203.0.113.9",
    ],
    [
      "behind a proxy, with the header sent twice",
      "10.0.0.1",
      ["6.6.6.6", "203.0.113.9"],
      true,
      "203.0.113.9",
    ],
    ["behind a proxy that sent no header", "10.0.0.1", undefined, true, "10.0.0.1"],
    ["behind a proxy that sent an empty header", "10.0.0.1", " , ", true, "10.0.0.1"],
  ] as const)("%s", (_name, socket, header, trustProxy, expected) => {
    expect(remoteAddressOf(socket, header as string | string[] | undefined, trustProxy)).toBe(
      expected,
    );
  });
});
