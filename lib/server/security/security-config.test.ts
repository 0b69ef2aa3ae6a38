import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config";
import { DEFAULT_SECURITY_LIMITS } from "./security-config";

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
        MAX_BUFFERED_BYTES_PER_CONNECTION: "1048576",
        MAX_BUFFERED_BYTES_TOTAL: "33554432",
        ABUSE_BLOCK_SECONDS: "120",
        ALLOWED_ORIGINS: " https://app.example.org , https://Other.example:8443/ ",
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
      maxBufferedBytesPerConnection: 1_048_576,
      maxBufferedBytesTotal: 33_554_432,
      abuseBlockMs: 120_000,
      allowedOrigins: ["https://app.example.org", "https://other.example:8443"],
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
  ])("refuses to start with %s, naming the variable", (_name, vars, variable) => {
    expect(() => loadConfig(env(vars))).toThrow(ConfigError);
    expect(() => loadConfig(env(vars))).toThrow(variable);
  });
});
