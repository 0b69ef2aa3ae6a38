import type { ServerOptions } from "node:http";

/**
 * Timeouts for the raw HTTP connection, before Socket.IO or Next.js see a
 * request: a client that opens a TCP connection and then sends nothing, or
 * sends its headers one byte at a time (slowloris), is answered 408 and
 * dropped. WebSocket connections leave this bookkeeping once upgraded, and a
 * long-polling GET is complete as soon as its headers are in.
 */
export const HTTP_SERVER_OPTIONS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 2_000,
} satisfies ServerOptions;
