import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config";
import { DEFAULT_SECURITY_LIMITS, LARGEST_REPLY_BYTES } from "./security-config";

const env = (vars: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  NODE_ENV: "production",
  ...vars,
});

describe("security settings from the environment", () => {
  it("defaults to the documented limits", () => {
    expect(loadConfig(env()).security).toEqual(DEFAULT_SECURITY_LIMITS);
  });

  it("reads every limit, and the proxy setting from TRUST_PROXY", () => {
    const { security } = loadConfig(
      env({
        RATE_LIMIT_MESSAGES_PER_SECOND: "2",
        RATE_LIMIT_MESSAGE_BURST: "50",
        RATE_LIMIT_MESSAGES_PER_IP_PER_SECOND: "30",
        RATE_LIMIT_MESSAGE_BURST_PER_IP: "600",
        RATE_LIMIT_EVENTS_PER_SECOND: "40",
        RATE_LIMIT_EVENT_BURST: "400",
        RATE_LIMIT_RENAMES_PER_MINUTE: "3",
        RATE_LIMIT_RENAMES_PER_IP_PER_MINUTE: "30",
        RATE_LIMIT_READS_PER_MINUTE: "90",
        RATE_LIMIT_READS_PER_IP_PER_MINUTE: "900",
        RATE_LIMIT_JOINS_PER_MINUTE: "100",
        RATE_LIMIT_JOINS_PER_IP_PER_MINUTE: "5000",
        RATE_LIMIT_TYPING_PER_MINUTE: "30",
        RATE_LIMIT_TYPING_PER_IP_PER_MINUTE: "3000",
        RATE_LIMIT_ROOMS_PER_HOUR: "5",
        RATE_LIMIT_ROOMS_PER_IP_PER_HOUR: "500",
        RATE_LIMIT_HISTORY_BYTES_PER_IP_PER_SECOND: "4194304",
        RATE_LIMIT_HISTORY_BYTE_BURST_PER_IP: "67108864",
        MAX_HISTORY_REQUESTS_PER_IP: "16",
        MAX_CONNECTIONS_PER_IP: "2000",
        RATE_LIMIT_CONNECTIONS_PER_IP_PER_SECOND: "10",
        MAX_ROOMS_PER_CONNECTION: "10",
        MAX_BUFFERED_BYTES_PER_CONNECTION: "4194304",
        MAX_BUFFERED_BYTES_TOTAL: "33554432",
        ABUSE_BLOCK_SECONDS: "120",
        ALLOWED_ORIGINS: " https://app.example.org , https://Other.example:8443/ ",
        ALLOWED_HOSTS: "Chat.Example.org, 192.0.2.7, [2001:db8::1], bücher.example",
        TRUST_PROXY: "true",
      }),
    );
    expect(security).toMatchObject({
      messagesPerSecond: 2,
      messageBurst: 50,
      messagesPerIpPerSecond: 30,
      messageBurstPerIp: 600,
      eventsPerSecond: 40,
      eventBurst: 400,
      renamesPerMinute: 3,
      renamesPerIpPerMinute: 30,
      readsPerMinute: 90,
      readsPerIpPerMinute: 900,
      joinsPerMinute: 100,
      joinsPerIpPerMinute: 5000,
      typingPerMinute: 30,
      typingPerIpPerMinute: 3000,
      roomsPerHour: 5,
      roomsPerIpPerHour: 500,
      historyBytesPerIpPerSecond: 4_194_304,
      historyByteBurstPerIp: 67_108_864,
      maxHistoryRequestsPerIp: 16,
      maxConnectionsPerIp: 2000,
      connectionsPerIpPerSecond: 10,
      maxRoomsPerConnection: 10,
      maxBufferedBytesPerConnection: 4_194_304,
      maxBufferedBytesTotal: 33_554_432,
      abuseBlockMs: 120_000,
      allowedOrigins: ["https://app.example.org", "https://other.example:8443"],
      allowedHosts: ["chat.example.org", "192.0.2.7", "2001:db8::1", "xn--bcher-kva.example"],
      trustProxy: true,
    });
  });

  it.each([
    ["a limit of zero", { RATE_LIMIT_MESSAGE_BURST: "0" }, "RATE_LIMIT_MESSAGE_BURST"],
    ["a fractional limit", { MAX_CONNECTIONS_PER_IP: "1.5" }, "MAX_CONNECTIONS_PER_IP"],
    [
      "a history budget of nothing",
      { RATE_LIMIT_HISTORY_BYTES_PER_IP_PER_SECOND: "0" },
      "RATE_LIMIT_HISTORY_BYTES_PER_IP_PER_SECOND",
    ],
    ["a negative room budget", { RATE_LIMIT_ROOMS_PER_HOUR: "-1" }, "RATE_LIMIT_ROOMS_PER_HOUR"],
    ["a word for a number", { MAX_ROOMS_PER_CONNECTION: "many" }, "MAX_ROOMS_PER_CONNECTION"],
    [
      "an origin with a path",
      { ALLOWED_ORIGINS: "https://app.example.org/chat" },
      "ALLOWED_ORIGINS",
    ],
    ["a wildcard origin", { ALLOWED_ORIGINS: "*" }, "ALLOWED_ORIGINS"],
    ["a host with a scheme", { ALLOWED_HOSTS: "https://chat.example.org" }, "ALLOWED_HOSTS"],
    ["a host with a port", { ALLOWED_HOSTS: "chat.example.org:443" }, "ALLOWED_HOSTS"],
    ["a host that is no host", { ALLOWED_HOSTS: "999.1.1.1" }, "ALLOWED_HOSTS"],
    [
      "an output limit of one byte",
      { MAX_BUFFERED_BYTES_PER_CONNECTION: "1" },
      "MAX_BUFFERED_BYTES_PER_CONNECTION",
    ],
    [
      "an output limit below one full page",
      { MAX_BUFFERED_BYTES_PER_CONNECTION: String(LARGEST_REPLY_BYTES - 1) },
      "MAX_BUFFERED_BYTES_PER_CONNECTION",
    ],
    [
      "a total output limit of one byte",
      { MAX_BUFFERED_BYTES_TOTAL: "1" },
      "MAX_BUFFERED_BYTES_TOTAL",
    ],
    [
      "a total output limit below the limit of one connection",
      {
        MAX_BUFFERED_BYTES_PER_CONNECTION: String(LARGEST_REPLY_BYTES * 4),
        MAX_BUFFERED_BYTES_TOTAL: String(LARGEST_REPLY_BYTES * 2),
      },
      "MAX_BUFFERED_BYTES_TOTAL",
    ],
  ])("refuses to start with %s, naming the variable", (_name, vars, variable) => {
    expect(() => loadConfig(env(vars))).toThrow(ConfigError);
    expect(() => loadConfig(env(vars))).toThrow(variable);
  });

  it("says why an output limit has a floor", () => {
    expect(() => loadConfig(env({ MAX_BUFFERED_BYTES_PER_CONNECTION: "1" }))).toThrow(
      `MAX_BUFFERED_BYTES_PER_CONNECTION: must be at least ${LARGEST_REPLY_BYTES} bytes (a full page of the longest messages`,
    );
    expect(
      loadConfig(env({ MAX_BUFFERED_BYTES_PER_CONNECTION: String(LARGEST_REPLY_BYTES) })).security
        .maxBufferedBytesPerConnection,
    ).toBe(LARGEST_REPLY_BYTES);
  });

  it("answers to any host with ALLOWED_HOSTS=*", () => {
    expect(loadConfig(env({ ALLOWED_HOSTS: "*" })).security.allowedHosts).toEqual(["*"]);
  });
});
