/**
 * The one line for a person who started the server in a terminal: the address
 * to open. Logs stay JSON for machines; this line goes out only when stdout is
 * a terminal, so log collectors never see it.
 */

/** Addresses that mean "every interface": a browser on this machine opens them as localhost. */
const ANY_ADDRESS = new Set(["0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0"]);

/** The URL a browser on this machine opens for a server listening on `host`:`port`. */
export function browserUrl(host: string, port: number): string {
  const name = ANY_ADDRESS.has(host) ? "localhost" : host;
  // An IPv6 literal goes in brackets in a URL.
  const inUrl = name.includes(":") && !name.startsWith("[") ? `[${name}]` : name;
  return `http://${inUrl}:${port}`;
}

/** The line to print once listening, or null when stdout is not a terminal (a pipe, a file, a log collector). */
export function readyLine(options: { host: string; port: number; isTTY: boolean }): string | null {
  if (!options.isTTY) return null;
  return `Scrollback is ready on ${browserUrl(options.host, options.port)}`;
}
