import { ConfigError } from "./config";
import { StoreOpenError } from "./store/types";

type ListenError = NodeJS.ErrnoException & { address?: string; port?: number };

/** Why the server could not listen, in words, for the errors a configuration causes. */
function listenFailure(error: ListenError): string | null {
  if (error.syscall !== "listen") return null;
  const where = `${error.address ?? "?"}:${error.port ?? "?"}`;
  switch (error.code) {
    case "EADDRINUSE":
      return `Cannot listen on ${where}: another process uses that port (EADDRINUSE). Stop it, or set PORT to another port.`;
    case "EADDRNOTAVAIL":
      return `Cannot listen on ${where}: ${error.address} is not an address of this machine (EADDRNOTAVAIL). Set HOST to one of its addresses, or 0.0.0.0 for every interface.`;
    case "EACCES":
      return `Cannot listen on ${where}: this user may not use that port (EACCES); ports below 1024 need privileges. Set PORT to 1024 or above.`;
    default:
      return null;
  }
}

/**
 * What a server that cannot start prints: for a bad setting, an unusable
 * database or an address it cannot listen on, a sentence written for the
 * operator (it names the variable or the file and what is wrong); for
 * anything unforeseen, the error itself.
 */
export function startupFailure(error: unknown): unknown {
  if (error instanceof ConfigError || error instanceof StoreOpenError) return error.message;
  if (error instanceof Error) return listenFailure(error as ListenError) ?? error;
  return error;
}
